package io.pilot.spring.capability;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.spring.PilotCaller;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;

import tools.jackson.databind.json.JsonMapper;

/**
 * A Pilot request as the Spring {@link Message} the handler-method infrastructure resolves arguments from: the body
 * as the payload, the request's headers as they came, and what the agent knows of the request under keys of its
 * own. Those keys contain capitals, which a Pilot header name cannot (a-z, 0-9, '-', '_', '.'), so a caller cannot
 * forge them.
 */
final class CapabilityRequests {

    /** The {@link PilotCaller} of the request. */
    static final String CALLER = "Pilot-Caller";

    /** The capability's name, for messages. */
    static final String CAPABILITY = "Pilot-Capability";

    /** The body parsed as a JSON tree, at most once ({@link JsonBody}). */
    static final String BODY = "Pilot-Body";

    private CapabilityRequests() {
    }

    /**
     * {@code in} as the message a call of {@code capability} resolves its arguments from: its caller described from the
     * session ({@code records} looks the caller up in the directory when a method asks), its body read as JSON by
     * {@code mapper} at most once.
     */
    static Message<byte[]> of(IncomingMessage in, String capability, JsonMapper mapper,
            Function<PilotAddress, CompletableFuture<NodeRecord>> records) {
        PilotCaller caller = new PilotCaller(in.from(), in.fromKey(), () -> records.apply(in.from()));
        return of(in, capability, caller, new JsonBody(in.message().body(), mapper));
    }

    static Message<byte[]> of(IncomingMessage in, String capability, PilotCaller caller, JsonBody body) {
        Map<String, String> headers = in.message().headers();
        Map<String, Object> all = new HashMap<>((int) ((headers.size() + 3) / 0.75f) + 1);
        all.putAll(headers);
        all.put(CALLER, caller);
        all.put(CAPABILITY, capability);
        all.put(BODY, body);
        return new GenericMessage<>(in.message().body(), new RequestHeaders(all));
    }

    /**
     * The headers as they are, copied once, without the random {@code id} and the {@code timestamp} Spring would add
     * to every message: a request has its own identity on the wire, and generating a UUID per call costs more than
     * the rest of the adaptation together.
     */
    private static final class RequestHeaders extends MessageHeaders {

        RequestHeaders(Map<String, Object> headers) {
            super(headers, ID_VALUE_NONE, -1L);
        }
    }

    static String capability(Message<?> message) {
        return message.getHeaders().get(CAPABILITY, String.class);
    }

    static PilotCaller caller(Message<?> message) {
        return message.getHeaders().get(CALLER, PilotCaller.class);
    }

    static JsonBody body(Message<?> message) {
        return message.getHeaders().get(BODY, JsonBody.class);
    }

}
