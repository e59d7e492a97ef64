package io.pilot.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real web application that embeds the backbone: {@code /actuator/pilotbackbone} gives its status (the groups
 * with their live member counts, as two more agents join) and {@code /actuator/pilotbackbone/page} the page.
 */
class PilotBackboneEndpointOverHttpTests {

    private static final JsonMapper json = new JsonMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @SpringBootApplication
    static class HubApplication {

        @PilotAgent(groups = "RESEARCH")
        static class HubAgent {

            @Capability("hub.ping")
            String ping() {
                return "pong";
            }
        }
    }

    @Test
    void theEmbeddedBackbonesStatusAndPageAreServedByTheActuator() throws Exception {
        int backbonePort;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            backbonePort = socket.getLocalPort();
        }
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(HubApplication.class).properties(
                "server.port=0", "server.address=127.0.0.1", "management.endpoints.web.exposure.include=pilotbackbone",
                "pilot.hostname=hub", "pilot.bind.address=127.0.0.1", "pilot.identity.path=" + dir.resolve("hub.key"),
                "pilot.backbone.embedded=true", "pilot.backbone.address=127.0.0.1:" + backbonePort,
                "pilot.backbone.identity=" + dir.resolve("backbone.key")).run()) {
            String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/actuator";
            PilotRuntime runtime = context.getBean(PilotRuntime.class);
            PilotNode backboneNode = runtime.embeddedBackbone().orElseThrow().node();
            try (PilotNode fxNode = node("fx"); PilotNode newsNode = node("news");
                 DirectoryClient fx = agent(fxNode, "fx", backboneNode, "FINANCE", "RESEARCH");
                 DirectoryClient news = agent(newsNode, "news", backboneNode, "FINANCE")) {

                HttpResponse<String> status = get(base + "/pilotbackbone");

                assertThat(status.statusCode()).isEqualTo(200);
                JsonNode body = json.readTree(status.body());
                assertThat(body.path("address").asString()).isEqualTo(backboneNode.address().toString());
                assertThat(body.path("registrations").asInt()).isEqualTo(3);
                assertThat(body.path("groups").toString()).isEqualTo(
                        "[{\"name\":\"FINANCE\",\"members\":2},{\"name\":\"RESEARCH\",\"members\":2}]");
                assertThat(body.path("agents").path("direct").asInt()).isEqualTo(3);
                // Joins are picked up by the once-a-second sample.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        json.readTree(get(base + "/pilotbackbone").body()).path("recent").findValuesAsString("hostname"))
                        .containsExactlyInAnyOrder("hub", "fx", "news"));

                HttpResponse<String> page = get(base + "/pilotbackbone/page");
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
                assertThat(page.body()).contains("data-status-url=\"../pilotbackbone\"");
                assertThat(get(base + "/pilotbackbone/admin").statusCode()).isEqualTo(404);
            }
        }
    }

    private PilotNode node(String name) {
        return PilotNode.builder().identityPath(dir.resolve(name + ".key")).bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .build().start();
    }

    private static DirectoryClient agent(PilotNode node, String hostname, PilotNode backbone, String... groups) {
        DirectoryClient.Builder builder = DirectoryClient.builder(node).hostname(hostname)
                .backbone(backbone.localEndpoint(), backbone.publicKey());
        List.of(groups).forEach(builder::group);
        DirectoryClient client = builder.build();
        client.start().join();
        return client;
    }

    private HttpResponse<String> get(String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
