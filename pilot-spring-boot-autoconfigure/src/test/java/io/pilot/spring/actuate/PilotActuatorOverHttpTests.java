package io.pilot.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * A real web application with the actuator: {@code /actuator/health} shows the {@code pilot} component and
 * {@code /actuator/pilot} the node, read over HTTP; when its (external) backbone goes away the component
 * turns {@code BACKBONE_UNREACHABLE}, which this application maps to 503.
 */
class PilotActuatorOverHttpTests {

    private static final JsonMapper json = new JsonMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private PilotNode backboneNode;

    private Backbone backbone;

    @SpringBootApplication
    static class PapersApplication {

        @PilotAgent(groups = "RESEARCH")
        static class PapersAgent {

            @Capability(value = "papers.search", description = "finds papers on a topic")
            List<String> search(String topic) {
                return List.of(topic);
            }
        }
    }

    @BeforeEach
    void startBackbone() {
        backboneNode = PilotNode.builder().identityPath(dir.resolve("backbone.key"))
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).answerStun(true).build().start();
        backbone = Backbone.start(backboneNode, BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofMillis(1500)),
                DirectoryStore.none());
    }

    @AfterEach
    void stopBackbone() {
        if (backbone != null) {
            backbone.close();
        }
        if (backboneNode != null) {
            backboneNode.close();
        }
    }

    @Test
    void healthAndPilotEndpointsDescribeTheAgentAndTheBackboneOutageOverHttp() throws Exception {
        List<String> properties = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
                "management.endpoints.web.exposure.include=health,pilot",
                "management.endpoint.health.show-components=always", "management.endpoint.health.show-details=always",
                "management.endpoint.health.status.order=DOWN,OUT_OF_SERVICE,BACKBONE_UNREACHABLE,UP,UNKNOWN",
                "management.endpoint.health.status.http-mapping.backbone-unreachable=503",
                "pilot.hostname=papers", "pilot.bind.address=127.0.0.1", "pilot.identity.path=" + dir.resolve("papers.key"),
                "pilot.backbone.address=127.0.0.1:" + backboneNode.localEndpoint().getPort(),
                "pilot.backbone.key=" + backboneNode.publicKey()));
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PapersApplication.class)
                .properties(properties.toArray(String[]::new)).run()) {
            String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/actuator";
            String address = context.getBean(PilotRuntime.class).address().toString();

            HttpResponse<String> health = get(base + "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode pilotHealth = json.readTree(health.body()).path("components").path("pilot");
            assertThat(pilotHealth.path("status").asString()).isEqualTo("UP");
            assertThat(pilotHealth.path("details").path("address").asString()).isEqualTo(address);
            assertThat(pilotHealth.path("details").path("hostname").asString()).isEqualTo("papers");
            assertThat(pilotHealth.path("details").path("backbone").asString()).isEqualTo(backboneNode.address().toString());
            assertThat(pilotHealth.path("details").path("backboneStatus").asString()).isEqualTo("REGISTERED");

            HttpResponse<String> pilot = get(base + "/pilot");
            assertThat(pilot.statusCode()).isEqualTo(200);
            JsonNode node = json.readTree(pilot.body());
            assertThat(node.path("address").asString()).isEqualTo(address);
            assertThat(node.path("hostname").asString()).isEqualTo("papers");
            assertThat(node.path("capabilities")).singleElement().satisfies(capability -> {
                assertThat(capability.path("name").asString()).isEqualTo("papers.search");
                assertThat(capability.path("metadata").path("description").asString()).isEqualTo("finds papers on a topic");
            });
            assertThat(node.path("groups")).extracting(JsonNode::asString).containsExactly("RESEARCH");
            assertThat(node.path("backbone").path("status").asString()).isEqualTo("REGISTERED");
            assertThat(node.path("backbone").path("embedded").asBoolean()).isFalse();
            assertThat(node.path("backbone").path("key").asString()).isEqualTo(backboneNode.publicKey().toString());
            assertThat(node.path("peers")).anySatisfy(peer -> {
                assertThat(peer.path("address").asString()).isEqualTo(backboneNode.address().toString());
                assertThat(peer.path("backbone").asBoolean()).isTrue();
                assertThat(peer.path("path").asString()).isEqualTo("direct");
                // Registration has been answered, so the session has an RTT sample: in microseconds, and in ms.
                assertThat(peer.path("rttMicros").isIntegralNumber()).as(peer.toString()).isTrue();
                assertThat(peer.path("rttMicros").asLong()).isPositive();
                assertThat(peer.path("rttMillis").asDouble() * 1000).isCloseTo(peer.path("rttMicros").asDouble(),
                        within(1.0));
            });

            backbone.close();
            backboneNode.close();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HttpResponse<String> outage = get(base + "/health");
                JsonNode root = json.readTree(outage.body());
                assertThat(root.path("components").path("pilot").path("status").asString()).isEqualTo("BACKBONE_UNREACHABLE");
                assertThat(root.path("status").asString()).isEqualTo("BACKBONE_UNREACHABLE");
                assertThat(outage.statusCode()).isEqualTo(503);
            });
            JsonNode outageHealth = json.readTree(get(base + "/health").body()).path("components").path("pilot");
            assertThat(outageHealth.path("description").asString()).contains("backbone does not answer");
            assertThat(outageHealth.path("details").path("error").asString()).isNotEmpty();
            JsonNode outage = json.readTree(get(base + "/pilot").body());
            assertThat(outage.path("backbone").path("status").asString()).isEqualTo("BACKBONE_UNREACHABLE");
            assertThat(outage.path("backbone").path("lastError").asString()).isNotEmpty();
        }
    }

    private HttpResponse<String> get(String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
