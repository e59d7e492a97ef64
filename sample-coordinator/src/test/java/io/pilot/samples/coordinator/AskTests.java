package io.pilot.samples.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.spring.test.EmbeddedPilotBackbone;
import io.pilot.spring.test.PilotStubs;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The ask mode with no language model configured (the default): the deterministic planner, over HTTP, offline. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"pilot.hostname=coordinator",
        "pilot.control.enabled=false", "management.tracing.sampling.probability=0"})
@EmbeddedPilotBackbone
class AskTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    @Autowired
    PilotStubs stubs;

    @Autowired
    AskService ask;

    @BeforeEach
    void startSpecialists() {
        stubs.stub("papers.search", query -> Map.of("query", query.path("query").asString(), "total", 1,
                "results", List.of(Map.of("doi", "10.48550/arXiv.1706.03762", "title", "Attention Is All You Need",
                        "year", 2017, "citedBy", 3))));
        stubs.stub("fx.rate", query -> Map.of("base", query.path("base").asString(), "quote", query.path("quote").asString(),
                "date", "2024-03-15", "rate", 1.0876));
    }

    @Test
    void withoutAModelThePlannerAnswersTheQuestionAsAResearchRequest() throws Exception {
        assertThat(ask.mode()).isEqualTo("planner");
        HttpResponse<String> response = ask("What is new on attention, in USD?");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("mode").asString()).isEqualTo("planner");
        assertThat(answer.path("question").asString()).isEqualTo("What is new on attention, in USD?");
        assertThat(answer.path("answer").asString()).contains("Research \"attention\"").contains("Attention Is All You Need (2017)")
                .contains("1 EUR = 1.0876 USD");
        List<String> tools = new ArrayList<>();
        answer.path("steps").forEach(step -> tools.add(step.path("tool").asString()));
        assertThat(tools).containsExactly("papers_search", "news_search", "fx_rate");
        JsonNode papers = answer.path("steps").get(0);
        assertThat(JSON.readTree(papers.path("arguments").asString()).path("query").asString()).isEqualTo("attention");
        assertThat(JSON.readTree(papers.path("result").asString()).path("results").get(0).path("year").asInt()).isEqualTo(2017);
        // No news specialist runs here: its step says why.
        assertThat(answer.path("steps").get(1).path("error").asString()).startsWith("UNREACHABLE");
    }

    @Test
    void aQuestionThePlannerCannotReadIsABadRequestSayingWhy() throws Exception {
        HttpResponse<String> empty = ask("");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(empty.body()).path("detail").asString()).contains("q is required");
        HttpResponse<String> noTopic = ask("what is the rate in USD?");
        assertThat(noTopic.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noTopic.body()).path("detail").asString()).contains("names no topic");
    }

    private HttpResponse<String> ask(String question) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/ask?q="
                        + URLEncoder.encode(question, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
