package io.pilot.samples.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.spring.test.EmbeddedPilotBackbone;
import io.pilot.spring.test.PilotStubs;
import io.pilot.spring.tools.MeshToolCatalog;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ask mode configured as a user configures it for Ollama ({@code spring.ai.model.chat=ollama}): Spring AI's own
 * Ollama client, over HTTP, to a {@link StandInOllama} on loopback; the tools it offers are the mesh's, and the one
 * the stand-in calls reaches a specialist over the mesh.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"pilot.hostname=coordinator",
        "pilot.control.enabled=false", "management.tracing.sampling.probability=0", "spring.ai.model.chat=ollama",
        "spring.ai.ollama.chat.model=stand-in"})
@EmbeddedPilotBackbone
class AskWithOllamaTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final StandInOllama OLLAMA = StandInOllama.start();

    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    @Autowired
    PilotStubs stubs;

    @Autowired
    MeshToolCatalog catalog;

    @DynamicPropertySource
    static void ollama(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.ollama.base-url", OLLAMA::baseUrl);
    }

    @AfterAll
    static void stopOllama() {
        OLLAMA.close();
    }

    @Test
    void springAisOllamaClientOffersTheMeshsToolsAndTheCallReachesTheSpecialist() throws Exception {
        stubs.stub("papers.search", query -> Map.of("query", query.path("query").asString(), "total", 1,
                "results", List.of(Map.of("doi", "10.48550/arXiv.1706.03762", "title", "Attention Is All You Need",
                        "year", 2017, "citedBy", 3))));
        await().atMost(Duration.ofSeconds(30)).until(() -> catalog.tool("papers_search").isPresent());

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/ask?q=Which%20paper%20introduced%20attention%3F")).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("mode").asString()).isEqualTo("model");
        assertThat(answer.path("answer").asString()).startsWith("From the mesh: ").contains("Attention Is All You Need");
        assertThat(answer.path("steps").get(0).path("tool").asString()).isEqualTo("papers_search");

        // What went over the wire to the model: the question, the coordinator's instructions and the mesh's tool.
        JsonNode first = OLLAMA.requests().get(0);
        assertThat(first.path("model").asString()).isEqualTo("stand-in");
        List<String> tools = new ArrayList<>();
        first.path("tools").forEach(tool -> tools.add(tool.path("function").path("name").asString()));
        assertThat(tools).as(OLLAMA.toString()).contains("papers_search");
        assertThat(first.path("messages").toString()).contains("Which paper introduced attention?").contains("research coordinator");
        // The second request carried the tool's result back to the model.
        JsonNode second = OLLAMA.requests().get(1);
        JsonNode last = second.path("messages").get(second.path("messages").size() - 1);
        assertThat(last.path("role").asString()).isEqualTo("tool");
        assertThat(last.path("content").asString()).contains("Attention Is All You Need");
    }
}
