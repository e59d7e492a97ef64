package io.pilot.spring.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.card.AgentCardVerifier;
import io.pilot.engine.card.CardException;
import io.pilot.engine.card.MeshExtension;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.runtime.PilotRuntime;

import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real web application with the starter serves its signed card at {@code /.well-known/agent-card.json}; another
 * node fetches it over HTTP and verifies it with the key the backbone's directory holds for the agent. A card
 * changed on the way, or stripped of its signature, is refused with the reason; junk requests get problem documents.
 */
class AgentCardOverHttpTests {

    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private PilotNode backboneNode;
    private Backbone backbone;
    private PilotNode checkerNode;
    private DirectoryClient checker;
    private HttpServer forger;

    record Citation(String doi, int year) {
    }

    @SpringBootApplication
    static class PapersApplication {

        @PilotAgent
        static class PapersAgent {

            @Capability(value = "papers.search", description = "Finds papers on a topic")
            List<String> search(String topic) {
                return List.of(topic);
            }

            @Capability(value = "papers.resolve-citation", description = "Resolves a DOI to its citation")
            Citation resolve(String doi) {
                return new Citation(doi, 2024);
            }
        }
    }

    @BeforeEach
    void startRealm() {
        backboneNode = PilotNode.builder().identityPath(dir.resolve("backbone.key"))
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).answerStun(true).build().start();
        backbone = Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none());
        checkerNode = PilotNode.builder().identityPath(dir.resolve("checker.key"))
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
        checker = DirectoryClient.builder(checkerNode).hostname("checker")
                .backbone(backboneNode.localEndpoint(), backboneNode.publicKey()).build();
        checker.start().join();
    }

    @AfterEach
    void stopRealm() {
        if (forger != null) {
            forger.stop(0);
        }
        checker.close();
        checkerNode.close();
        backbone.close();
        backboneNode.close();
    }

    private ConfigurableApplicationContext papers(String... extra) {
        List<String> properties = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
                "spring.application.name=papers-service", "pilot.hostname=papers", "pilot.bind.address=127.0.0.1",
                "pilot.identity.path=" + dir.resolve("papers.key"),
                "pilot.backbone.address=127.0.0.1:" + backboneNode.localEndpoint().getPort(),
                "pilot.backbone.key=" + backboneNode.publicKey()));
        properties.addAll(List.of(extra));
        return new SpringApplicationBuilder(PapersApplication.class).properties(properties.toArray(String[]::new)).run();
    }

    private static String base(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    @Test
    void theServedCardIsAnA2aCardOfTheCapabilitiesVerifiedWithTheDirectorysKey() throws Exception {
        try (ConfigurableApplicationContext context = papers("pilot.a2a.url=https://papers.example.com",
                "pilot.a2a.version=2.1.0")) {
            String address = context.getBean(PilotRuntime.class).address().toString();

            AgentCardVerifier.VerifiedCard verified = DirectoryKeys.verifier(checker, Duration.ofSeconds(10))
                    .fetchAndVerify(base(context));

            assertThat(verified.node().hostname()).isEqualTo("papers");
            assertThat(verified.node().address().toString()).isEqualTo(address);
            JsonNode card = verified.card();
            assertThat(card.path("name").asString()).isEqualTo("papers-service");
            assertThat(card.path("version").asString()).isEqualTo("2.1.0");
            assertThat(card.path("description").asString()).isEqualTo("Pilot agent papers offering papers.resolve-citation, papers.search");
            assertThat(card.path("supportedInterfaces")).singleElement().satisfies(i -> {
                assertThat(i.path("url").asString()).isEqualTo("pilot://papers");
                assertThat(i.path("protocolBinding").asString()).isEqualTo(MeshExtension.BINDING);
                assertThat(i.path("protocolVersion").asString()).isEqualTo("1.0");
            });
            assertThat(card.path("defaultInputModes")).extracting(JsonNode::asString).containsExactly("application/json");
            assertThat(card.path("skills")).extracting(s -> s.path("id").asString())
                    .containsExactly("papers.resolve-citation", "papers.search");
            JsonNode search = card.path("skills").get(1);
            assertThat(search.path("description").asString()).isEqualTo("Finds papers on a topic");
            assertThat(search.path("tags")).extracting(JsonNode::asString).containsExactly("papers", "search");
            JsonNode params = MeshExtension.params(card).orElseThrow();
            assertThat(params.path("address").asString()).isEqualTo(address);
            assertThat(params.path("url").asString()).isEqualTo("https://papers.example.com");
            assertThat(params.path("schemas").path("papers.resolve-citation").path("output").path("properties")
                    .path("year").path("type").asString()).isEqualTo("integer");
            assertThat(params.path("schemas").path("papers.search").path("input").path("type").asString()).isEqualTo("string");
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(card.path("signatures").get(0).path("protected").asString()));
            assertThat(header.path("alg").asString()).isEqualTo("EdDSA");
            assertThat(header.path("kid").asString()).isEqualTo(address);

            HttpResponse<String> again = get(base(context) + AgentCardVerifier.WELL_KNOWN_PATH);
            assertThat(again.headers().firstValue("Cache-Control")).contains("max-age=300");
            String etag = again.headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> unchanged = http.send(HttpRequest.newBuilder(URI.create(base(context)
                    + AgentCardVerifier.WELL_KNOWN_PATH)).header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unchanged.statusCode()).isEqualTo(304);
        }
    }

    @Test
    void aCardChangedOnTheWayOrUnsignedIsRefusedWithTheReason() throws Exception {
        try (ConfigurableApplicationContext context = papers()) {
            ObjectNode genuine = (ObjectNode) JSON.readTree(get(base(context) + AgentCardVerifier.WELL_KNOWN_PATH).body());
            AgentCardVerifier verifier = DirectoryKeys.verifier(checker, Duration.ofSeconds(10));

            ObjectNode changed = genuine.deepCopy();
            ((ObjectNode) changed.path("skills").get(0)).put("description", "Resolves a DOI and wires money");
            serve(changed);
            assertThatThrownBy(() -> verifier.fetchAndVerify(forgerUrl())).isInstanceOf(CardException.class)
                    .hasMessageContaining("the signature does not match the card");

            ObjectNode unsigned = genuine.deepCopy();
            unsigned.remove("signatures");
            serve(unsigned);
            assertThatThrownBy(() -> verifier.fetchAndVerify(forgerUrl())).isInstanceOf(CardException.class)
                    .hasMessageContaining("unsigned");

            ObjectNode elsewhere = genuine.deepCopy();
            ((ObjectNode) MeshExtension.params(elsewhere).orElseThrow()).put("hostname", "nobody");
            serve(elsewhere);
            assertThatThrownBy(() -> verifier.fetchAndVerify(forgerUrl())).isInstanceOf(CardException.class)
                    .hasMessageContaining("the directory has no key for nobody");

            serve(genuine);
            assertThat(verifier.fetchAndVerify(forgerUrl()).node().hostname()).isEqualTo("papers");
        }
    }

    @Test
    void junkRequestsForTheCardGetProblemDocumentsAndJunkUrlsAreRefused() throws Exception {
        try (ConfigurableApplicationContext context = papers()) {
            String card = base(context) + AgentCardVerifier.WELL_KNOWN_PATH;
            HttpResponse<String> withParameters = get(card + "?format=xml&x=1");
            assertThat(withParameters.statusCode()).isEqualTo(400);
            assertThat(withParameters.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(JSON.readTree(withParameters.body()).path("detail").asString())
                    .isEqualTo("the agent card takes no parameters; got format, x");

            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(card))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"me\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).isEqualTo(405);
            assertThat(posted.headers().firstValue("Allow")).contains("GET, HEAD");
            assertThat(JSON.readTree(posted.body()).path("detail").asString()).isEqualTo("the agent card is read with GET, not POST");

            AgentCardVerifier verifier = DirectoryKeys.verifier(checker, Duration.ofSeconds(10));
            assertThatIllegalArgumentException().isThrownBy(() -> verifier.fetchAndVerify("ftp://127.0.0.1/card"))
                    .withMessageContaining("not an http(s) URL");
            assertThatThrownBy(() -> verifier.fetchAndVerify(base(context) + "/nothing-here"))
                    .isInstanceOf(CardException.class).hasMessageContaining("answered HTTP 404, not a card");
        }
    }

    @Test
    void anAgentCardUrlThatIsNoUrlStopsTheApplication() {
        assertThatThrownBy(() -> papers("pilot.a2a.url=papers.example.com").close())
                .rootCause().hasMessageContaining("pilot.a2a.url").hasMessageContaining("not an absolute http(s) URL");
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A web server of the test's own, handing out whatever card it is given. */
    private void serve(JsonNode card) throws Exception {
        byte[] body = JSON.writeValueAsBytes(card);
        if (forger == null) {
            forger = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            forger.start();
        } else {
            forger.removeContext(AgentCardVerifier.WELL_KNOWN_PATH);
        }
        forger.createContext(AgentCardVerifier.WELL_KNOWN_PATH, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private String forgerUrl() {
        return "http://127.0.0.1:" + forger.getAddress().getPort();
    }
}
