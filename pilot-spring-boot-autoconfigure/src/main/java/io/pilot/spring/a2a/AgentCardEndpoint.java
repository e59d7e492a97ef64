package io.pilot.spring.a2a;

import io.pilot.engine.card.AgentCardVerifier;
import io.pilot.engine.crypto.Sha256;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.runtime.PilotRuntime;

import java.util.HexFormat;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import tools.jackson.databind.json.JsonMapper;

/**
 * Serves the agent's signed card at {@value AgentCardVerifier#WELL_KNOWN_PATH} (GET or HEAD, no parameters), made
 * once the agent runs and kept: its capabilities and key do not change while it runs. Anything else asked of the path
 * is answered with a problem document (RFC 9457) saying what is wrong, never a card.
 */
public final class AgentCardEndpoint {

    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

    private final PilotRuntime runtime;
    private final CapabilityRegistry capabilities;
    private final AgentCardDescription description;
    private final AgentCards cards;
    private final JsonMapper mapper;
    private final AtomicReference<byte[]> card = new AtomicReference<>();

    public AgentCardEndpoint(PilotRuntime runtime, CapabilityRegistry capabilities, AgentCardDescription description,
            JsonMapper mapper) {
        this.runtime = runtime;
        this.capabilities = capabilities;
        this.description = description;
        this.cards = new AgentCards(mapper);
        this.mapper = mapper;
    }

    /** The route: the card for GET and HEAD, a refusal for any other method. */
    public RouterFunction<ServerResponse> route() {
        return RouterFunctions.route()
                .route(RequestPredicates.method(HttpMethod.GET).or(RequestPredicates.method(HttpMethod.HEAD))
                        .and(RequestPredicates.path(AgentCardVerifier.WELL_KNOWN_PATH)), this::serve)
                .route(RequestPredicates.path(AgentCardVerifier.WELL_KNOWN_PATH), request -> problem(
                        ServerResponse.status(HttpStatus.METHOD_NOT_ALLOWED).header(HttpHeaders.ALLOW, "GET, HEAD"),
                        HttpStatus.METHOD_NOT_ALLOWED, "the agent card is read with GET, not " + request.method()))
                .build();
    }

    private ServerResponse serve(ServerRequest request) {
        if (!request.params().isEmpty()) {
            return problem(HttpStatus.BAD_REQUEST, "the agent card takes no parameters; got "
                    + String.join(", ", new TreeSet<>(request.params().keySet())));
        }
        if (!runtime.isRunning()) {
            return problem(HttpStatus.SERVICE_UNAVAILABLE, "the Pilot agent is not running, so it has no card");
        }
        byte[] body = card.updateAndGet(made -> made != null ? made : mapper.writeValueAsBytes(cards.card(description,
                runtime.hostname(), runtime.address(), runtime.node().identity(), capabilities.all())));
        String etag = "\"" + HexFormat.of().formatHex(Sha256.hash(body), 0, 16) + "\"";
        if (etag.equals(request.headers().firstHeader(HttpHeaders.IF_NONE_MATCH))) {
            return ServerResponse.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).eTag(etag)
                .header(HttpHeaders.CACHE_CONTROL, "max-age=300").body(body);
    }

    private ServerResponse problem(HttpStatus status, String detail) {
        return problem(ServerResponse.status(status), status, detail);
    }

    private ServerResponse problem(ServerResponse.BodyBuilder response, HttpStatus status, String detail) {
        return response.contentType(PROBLEM).body(mapper.writeValueAsBytes(Map.of(
                "type", "about:blank", "title", status.getReasonPhrase(), "status", status.value(), "detail", detail)));
    }
}
