package io.pilot.samples.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.samples.stubs.StubSpecialists;
import io.pilot.spring.test.EmbeddedPilotBackbone;
import io.pilot.spring.test.PilotTestAgents;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The coordinator over HTTP, against stand-in specialists on the test's backbone: one answer from parts
 * asked in parallel, each saying who answered and how; a missing specialist or a refused argument costs
 * only its part; bad requests are refused with the reason.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"pilot.hostname=coordinator",
        "pilot.control.enabled=false", "management.tracing.sampling.probability=0"})
@EmbeddedPilotBackbone
class CoordinatorTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PilotTestAgents SPECIALISTS = new PilotTestAgents();

    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    @BeforeAll
    static void startSpecialists() {
        Map<String, Object> quiet = Map.of("pilot.control.enabled", "false");
        SPECIALISTS.start("stub-papers", quiet, StubSpecialists.PapersApplication.class);
        SPECIALISTS.start("stub-fx", quiet, StubSpecialists.FxApplication.class);
    }

    @AfterAll
    static void stopSpecialists() {
        SPECIALISTS.close();
    }

    @Test
    void answersFromEverySpecialistThatCanAndSaysWhyForTheRest() throws Exception {
        HttpResponse<String> response = post("{\"topic\":\"attention\",\"currencies\":[\"USD\",\"XXX\"]}", "application/json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("topic").asString()).isEqualTo("attention");
        List<JsonNode> parts = new ArrayList<>();
        answer.path("parts").forEach(parts::add);
        assertThat(parts).extracting(p -> p.path("capability").asString())
                .containsExactly("papers.search", "news.search", "fx.rate", "fx.rate");

        JsonNode papers = parts.get(0);
        assertThat(papers.path("agent").asString()).isEqualTo("stub-papers");
        assertThat(papers.path("path").asString()).isEqualTo("direct");
        assertThat(papers.path("millis").asDouble()).isPositive();
        assertThat(papers.path("arguments").path("query").asString()).isEqualTo("attention");
        assertThat(papers.path("result").path("results").get(0).path("title").asString()).isEqualTo("Attention Is All You Need");

        JsonNode news = parts.get(1);
        assertThat(news.path("agent").isNull()).isTrue();
        assertThat(news.path("error").asString()).contains("news.search");

        assertThat(parts.get(2).path("agent").asString()).isEqualTo("stub-fx");
        assertThat(parts.get(2).path("result").path("rate").asDouble()).isEqualTo(1.0876);
        assertThat(parts.get(3).path("agent").isNull()).isTrue();
        assertThat(parts.get(3).path("error").asString()).contains("unknown currency XXX");

        List<String> told = new ArrayList<>();
        answer.path("broadcast").path("delivered").forEach(member -> told.add(member.asString()));
        assertThat(told).containsExactly("stub-fx", "stub-papers");
        await().atMost(10, TimeUnit.SECONDS).until(() -> StubSpecialists.NOTICES.contains("attention by coordinator"));
    }

    @Test
    void answersInTextForTerminals() throws Exception {
        HttpResponse<String> response = post("{\"topic\":\"attention\",\"currencies\":[\"GBP\"],\"broadcast\":false}",
                "text/plain");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("Research \"attention\": 3 parts in ")
                .containsPattern("✓ papers\\.search +stub-papers +direct +[0-9.]+ ms  Attention Is All You Need \\(2017\\)")
                .contains("✗ news.search").contains("1 EUR = 1.0876 GBP (2024-03-15)").doesNotContain("Told");
    }

    @Test
    void refusesBadRequestsSayingWhy() throws Exception {
        assertBadRequest(post("{\"topic\":\"  \"}", "application/json"), "topic is required");
        assertBadRequest(post("{\"topic\":\"x\",\"limit\":0}", "application/json"), "limit must be 1..50");
        assertBadRequest(post("{\"topic\":\"x\",\"currencies\":[\"A\",\"B\",\"C\",\"D\",\"E\",\"F\",\"G\",\"H\",\"I\",\"J\",\"K\"]}",
                "application/json"), "at most 10 currencies");
        assertBadRequest(post("{\"topic\":\"" + "x".repeat(201) + "\"}", "application/json"), "longer than 200");
        assertBadRequest(post("{\"topic\":", "application/json"), "");
        assertBadRequest(post("{\"topic\":\"\"}", "text/plain"), "");
    }

    @Test
    void listsTheAgentsOfTheResearchGroup() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/agents"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode agents = JSON.readTree(response.body());
        List<String> hostnames = new ArrayList<>();
        agents.forEach(agent -> hostnames.add(agent.path("hostname").asString()));
        assertThat(hostnames).containsExactly("coordinator", "stub-fx", "stub-papers");
        assertThat(agents.get(2).path("capabilities").get(0).asString()).isEqualTo("papers.search");
    }

    private static void assertBadRequest(HttpResponse<String> response, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains(reason);
    }

    private HttpResponse<String> post(String body, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/research"))
                .header("Content-Type", "application/json").header("Accept", accept).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
