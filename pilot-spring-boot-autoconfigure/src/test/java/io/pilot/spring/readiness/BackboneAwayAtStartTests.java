package io.pilot.spring.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.IdentityStore;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A web application whose backbone is not running when it starts: it starts all the same, its {@code pilot}
 * health component says the backbone is unreachable and its readiness group (with {@code pilotReadiness})
 * holds traffic back; once the backbone comes up the agent registers, readiness turns UP and the agent is
 * found and called.
 */
class BackboneAwayAtStartTests {

    private static final JsonMapper json = new JsonMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private PilotNode backboneNode;
    private Backbone backbone;

    @SpringBootApplication
    static class PapersApplication {

        @PilotAgent
        static class PapersAgent {

            @Capability("papers.count")
            int count(String topic) {
                return topic.length();
            }
        }
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
    void theApplicationStartsWithoutItsBackboneAndIsReadyOnceItRegisters() throws Exception {
        int backbonePort;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            backbonePort = socket.getLocalPort();
        }
        Path backboneKey = dir.resolve("backbone.key");
        Identity backboneIdentity = IdentityStore.loadOrCreate(backboneKey, new SecureRandom());
        String[] properties = { "server.port=0", "server.address=127.0.0.1",
                "management.endpoints.web.exposure.include=health",
                "management.endpoint.health.show-components=always", "management.endpoint.health.show-details=always",
                "management.endpoint.health.probes.enabled=true",
                "management.endpoint.health.group.readiness.include=readinessState,pilotReadiness",
                "management.endpoint.health.group.readiness.show-details=always",
                "pilot.hostname=papers", "pilot.bind.address=127.0.0.1", "pilot.identity.path=" + dir.resolve("papers.key"),
                "pilot.backbone.address=127.0.0.1:" + backbonePort, "pilot.backbone.key=" + backboneIdentity.publicKey(),
                "pilot.backbone.request-timeout=1s" };

        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PapersApplication.class)
                .properties(properties).run()) {
            String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/actuator/health";

            JsonNode pilot = json.readTree(get(base).body()).path("components").path("pilot");
            assertThat(pilot.path("status").asString()).isEqualTo("BACKBONE_UNREACHABLE");
            assertThat(pilot.path("details").path("backboneStatus").asString()).isEqualTo("BACKBONE_UNREACHABLE");
            HttpResponse<String> notReady = get(base + "/readiness");
            assertThat(notReady.statusCode()).isEqualTo(503);
            JsonNode readiness = json.readTree(notReady.body());
            assertThat(readiness.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
            assertThat(readiness.path("components").path("pilotReadiness").path("details").path("state").asString())
                    .isEqualTo("registering");
            assertThat(get(base + "/liveness").statusCode()).isEqualTo(200);

            backboneNode = PilotNode.builder().identityPath(backboneKey)
                    .bindAddress(new InetSocketAddress("127.0.0.1", backbonePort)).answerStun(true).build().start();
            backbone = Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none());

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HttpResponse<String> ready = get(base + "/readiness");
                assertThat(ready.statusCode()).isEqualTo(200);
                assertThat(json.readTree(ready.body()).path("status").asString()).isEqualTo("UP");
            });
            JsonNode registered = json.readTree(get(base).body()).path("components").path("pilot");
            assertThat(registered.path("status").asString()).isEqualTo("UP");
            assertThat(registered.path("details").path("hostname").asString()).isEqualTo("papers");
            assertThat(backbone.registrations()).isEqualTo(1);
            // Found by others: a node that registers now sees it as the provider of its capability.
            try (PilotNode other = PilotNode.builder().identity(Identity.generate(new SecureRandom()))
                    .bindAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
                 DirectoryClient directory = DirectoryClient.builder(other).hostname("other")
                         .backbone(backboneNode.localEndpoint(), backboneNode.publicKey()).build()) {
                directory.start().get(10, TimeUnit.SECONDS);
                assertThat(directory.providers("papers.count").get(10, TimeUnit.SECONDS))
                        .extracting(NodeRecord::hostname).containsExactly("papers");
            }
        }
    }

    private HttpResponse<String> get(String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
