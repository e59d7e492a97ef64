package io.pilot.samples.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.spring.test.BroadcastRecorder;
import io.pilot.spring.test.EmbeddedPilotBackbone;
import io.pilot.spring.test.PilotStubs;
import io.pilot.spring.test.StubAgent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The coordinator over HTTP, against stand-in specialists on the test's backbone (stub agents answering the
 * capability contract with fixed data; the real specialists are tested in their module and in the fleet's
 * end-to-end test): one answer from parts asked in parallel, each saying who answered and how; a missing
 * specialist, a refused argument or a part past its interface's timeout costs only its part; bad requests are
 * refused with the reason.
 */
// The fx interface's timeout is short here, so that a test of a part past it does not wait out the application's 15 s.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"pilot.hostname=coordinator",
        "pilot.control.enabled=false", "management.tracing.sampling.probability=0", "pilot.client.interfaces.fx.timeout=2s"})
@EmbeddedPilotBackbone
class CoordinatorTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    @Autowired
    PilotStubs stubs;

    /** No news specialist: its part fails. The stubs stop after each test. */
    StubAgent papers;
    StubAgent fx;
    BroadcastRecorder research;

    @BeforeEach
    void startSpecialists() {
        papers = stubs.stub("papers.search", query -> Map.of("query", query.path("query").asString(), "total", 1,
                "results", List.of(Map.of("doi", "10.48550/arXiv.1706.03762", "title", "Attention Is All You Need",
                        "year", 2017, "citedBy", 3))));
        // Answers USD, GBP and JPY; takes longer than any caller waits for SLOW; refuses anything else.
        fx = stubs.stub("fx.rate", query -> {
            String quote = query.path("quote").asString();
            if (quote.equals("SLOW")) {
                sleep(30_000); // cut short by the caller's deadline
            }
            if (!List.of("USD", "GBP", "JPY").contains(quote)) {
                throw new IllegalArgumentException("unknown currency " + quote);
            }
            return Map.of("base", query.path("base").asString(), "quote", quote, "date", "2024-03-15", "rate", 1.0876);
        });
        research = stubs.recorder("RESEARCH");
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

        JsonNode found = parts.get(0);
        assertThat(found.path("agent").asString()).isEqualTo(papers.hostname());
        assertThat(found.path("path").asString()).isEqualTo("direct");
        assertThat(found.path("millis").asDouble()).isPositive();
        assertThat(found.path("arguments").path("query").asString()).isEqualTo("attention");
        assertThat(found.path("result").path("results").get(0).path("title").asString()).isEqualTo("Attention Is All You Need");

        JsonNode news = parts.get(1);
        assertThat(news.path("agent").isNull()).isTrue();
        assertThat(news.path("error").asString()).matches("UNREACHABLE: .*news\\.search.*");

        assertThat(parts.get(2).path("agent").asString()).isEqualTo(fx.hostname());
        assertThat(parts.get(2).path("result").path("rate").asDouble()).isEqualTo(1.0876);
        assertThat(parts.get(2).path("result").path("date").asString()).isEqualTo("2024-03-15");
        // A refusal reads as the specialist's code and words, not a Java exception's message.
        assertThat(parts.get(3).path("agent").isNull()).isTrue();
        assertThat(parts.get(3).path("error").asString()).isEqualTo("INVALID_ARGUMENT: unknown currency XXX");

        List<String> told = new ArrayList<>();
        answer.path("broadcast").path("delivered").forEach(member -> told.add(member.asString()));
        assertThat(told).containsExactly(research.hostname());
        JsonNode notice = research.awaitMessages(1).get(0);
        assertThat(notice.path("topic").asString()).isEqualTo("attention");
        assertThat(notice.path("requestedBy").asString()).isEqualTo("coordinator");
    }

    @Test
    void answersInTextForTerminals() throws Exception {
        HttpResponse<String> response = post("{\"topic\":\"attention\",\"currencies\":[\"GBP\"],\"broadcast\":false}",
                "text/plain");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("Research \"attention\": 3 parts in ")
                .containsPattern("✓ papers\\.search +" + papers.hostname() + " +direct +[0-9.]+ ms  Attention Is All You Need \\(2017\\)")
                .containsPattern("✗ news\\.search .* UNREACHABLE: ").contains("1 EUR = 1.0876 GBP (2024-03-15)").doesNotContain("Told");
    }

    @Test
    void aPartPastTheFxInterfacesTimeoutIsCutShortAndSaysSo() throws Exception {
        // pilot.client.interfaces.fx.timeout (2 s here) is the deadline the stub is held past.
        HttpResponse<String> response = post("{\"topic\":\"attention\",\"currencies\":[\"SLOW\",\"GBP\"],\"broadcast\":false}",
                "application/json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode parts = JSON.readTree(response.body()).path("parts");
        assertThat(parts.get(2).path("error").asString()).startsWith("DEADLINE_EXCEEDED: ");
        assertThat(parts.get(3).path("agent").asString()).isEqualTo(fx.hostname());
    }

    @Test
    void oneRateFailsTheRequestWithTheStatusItsCodeCallsFor() throws Exception {
        HttpResponse<String> rate = get("/api/rate?base=EUR&quote=GBP");
        assertThat(rate.statusCode()).as(rate.body()).isEqualTo(200);
        assertThat(JSON.readTree(rate.body()).path("rate").asDouble()).isEqualTo(1.0876);

        HttpResponse<String> refused = get("/api/rate?quote=XXX");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.path("code").asString()).isEqualTo("INVALID_ARGUMENT");
        assertThat(problem.path("detail").asString()).isEqualTo("unknown currency XXX");
        assertThat(problem.path("capability").asString()).isEqualTo("fx.rate");
        assertThat(problem.path("traceId").asString()).matches("[0-9a-f]{32}");

        HttpResponse<String> late = get("/api/rate?quote=SLOW");
        assertThat(late.statusCode()).as(late.body()).isEqualTo(504);
        assertThat(JSON.readTree(late.body()).path("code").asString()).isEqualTo("DEADLINE_EXCEEDED");
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
        // The test kit gives the coordinator an instance id of its own (coordinator-test1): hostnames sort as below.
        assertThat(hostnames).hasSize(2).endsWith(research.hostname());
        assertThat(hostnames.get(0)).startsWith("coordinator");
        assertThat(agents.get(0).path("groups").get(0).asString()).isEqualTo("RESEARCH");
        assertThat(agents.get(0).path("address").asString()).startsWith("0:");
    }

    /** Points of a series as a streaming stub serves them: one a day from 2023-01-02, the rate growing by a ten-thousandth. */
    private static Stream<Map<String, Object>> points(long count) {
        return Stream.iterate(0, n -> n + 1).limit(count).map(n -> Map.of("date", LocalDate.parse("2023-01-02").plusDays(n).toString(),
                "rate", BigDecimal.valueOf(10_700 + n, 4)));
    }

    @Test
    void aSeriesStreamsToThePageAsServerSentEventsInOrderThenEnds() throws Exception {
        StubAgent series = stubs.streamingStub("fx.series.stream", request -> {
            assertThat(request.path("base").asString()).isEqualTo("EUR");
            assertThat(request.path("from").asString()).isEqualTo("2023-01-02");
            return points(5);
        });

        HttpResponse<Stream<String>> response = http.send(seriesRequest("?base=eur&quote=USD&from=2023-01-02"),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<ServerSentEvent> events = ServerSentEvent.read(response.body().iterator(), Integer.MAX_VALUE);

        assertThat(events).extracting(ServerSentEvent::name).containsExactly("source", "point", "point", "point", "point", "point", "end");
        JsonNode source = JSON.readTree(events.get(0).data());
        assertThat(source.path("agent").asString()).isEqualTo(series.hostname());
        assertThat(source.path("address").asString()).isEqualTo(series.address().toString());
        assertThat(source.path("path").asString()).isEqualTo("direct");
        assertThat(source.path("capability").asString()).isEqualTo("fx.series.stream");
        List<JsonNode> points = events.subList(1, 6).stream().map(event -> JSON.readTree(event.data())).toList();
        assertThat(points).extracting(point -> point.path("date").asString())
                .containsExactly("2023-01-02", "2023-01-03", "2023-01-04", "2023-01-05", "2023-01-06");
        assertThat(points.get(4).path("rate").decimalValue()).isEqualByComparingTo("1.0704");
        assertThat(events.subList(1, 6)).extracting(ServerSentEvent::id).containsExactly("1", "2", "3", "4", "5");
        JsonNode end = JSON.readTree(events.get(6).data());
        assertThat(end.path("items").asInt()).isEqualTo(5);
        assertThat(end.path("firstItemMillis").asDouble()).isPositive().isLessThanOrEqualTo(end.path("millis").asDouble());
        assertThat(series.calls()).isEqualTo(1);
    }

    @Test
    void aSeriesThatBreaksAfterSomePointsEndsWithTheFailuresCode() throws Exception {
        stubs.streamingStub("fx.series.stream", request -> Stream.concat(points(2), Stream.generate(() -> {
            throw new IllegalStateException("the rates file went missing");
        })));

        List<ServerSentEvent> events = ServerSentEvent.read(http.send(seriesRequest(""), HttpResponse.BodyHandlers.ofLines())
                .body().iterator(), Integer.MAX_VALUE);

        assertThat(events).extracting(ServerSentEvent::name).containsExactly("source", "point", "point", "failure");
        JsonNode failure = JSON.readTree(events.get(3).data());
        assertThat(failure.path("code").asString()).isEqualTo("INTERNAL");
        assertThat(failure.path("capability").asString()).isEqualTo("fx.series.stream");
        assertThat(failure.path("items").asInt()).isEqualTo(2);
        assertThat(failure.toString()).doesNotContain("IllegalStateException").doesNotContain("went missing");
    }

    @Test
    void aPageThatGoesAwayStopsTheSpecialistsStream() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        AtomicInteger produced = new AtomicInteger();
        // Endless: only a cancel from the coordinator ends it.
        stubs.streamingStub("fx.series.stream", request -> Stream.iterate(0L, n -> n + 1)
                .flatMap(n -> points(1)).peek(point -> produced.incrementAndGet()).onClose(() -> closed.set(true)));

        try (Socket browser = new Socket("127.0.0.1", port)) {
            browser.getOutputStream().write(("GET /api/fx/series HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader reader = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
            assertThat(reader.readLine()).startsWith("HTTP/1.1 200");
            long points = reader.lines().filter(line -> line.equals("event:point")).limit(10).count();
            assertThat(points).isEqualTo(10);
        }
        // The coordinator's next write fails, it disposes the call, and the reset reaches the stub, which closes its stream.
        await().atMost(Duration.ofSeconds(20)).untilTrue(closed);
        assertThat(produced.get()).as("no more produced than the credit and the buffers let through").isLessThan(100_000);
    }

    @Test
    void aSeriesRequestThatCannotBeServedIsATypedProblemNotAStream() throws Exception {
        StubAgent series = stubs.streamingStub("fx.series.stream", request -> {
            if (!request.path("quote").asString().equals("USD")) {
                throw new IllegalArgumentException("'quote': unknown currency " + request.path("quote").asString());
            }
            return points(3);
        });

        assertTypedProblem(http.send(seriesRequest("?quote=US1"), HttpResponse.BodyHandlers.ofString()), 400,
                "INVALID_ARGUMENT", "'quote' must be a three-letter currency code like USD, was 'US1'");
        assertTypedProblem(http.send(seriesRequest("?quote=USD&from=2023-02-30"), HttpResponse.BodyHandlers.ofString()), 400,
                "INVALID_ARGUMENT", "'from' must be a date like 2023-01-02, was '2023-02-30'");
        assertThat(series.calls()).as("refused before any specialist is asked").isZero();

        JsonNode refused = assertTypedProblem(http.send(seriesRequest("?quote=XYZ"), HttpResponse.BodyHandlers.ofString()), 400,
                "INVALID_ARGUMENT", "'quote': unknown currency XYZ");
        assertThat(refused.path("capability").asString()).isEqualTo("fx.series.stream");

        series.stop();
        JsonNode gone = assertTypedProblem(http.send(seriesRequest(""), HttpResponse.BodyHandlers.ofString()), 502, "UNREACHABLE", null);
        assertThat(gone.path("detail").asString()).contains("fx.series.stream");
    }

    private static JsonNode assertTypedProblem(HttpResponse<String> response, int status, String code, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("code").asString()).isEqualTo(code);
        if (detail != null) {
            assertThat(problem.path("detail").asString()).isEqualTo(detail);
        }
        assertThat(response.body()).doesNotContain("Exception");
        return problem;
    }

    private HttpRequest seriesRequest(String query) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/fx/series" + query))
                .header("Accept", "text/event-stream, application/problem+json").timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void assertBadRequest(HttpResponse<String> response, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains(reason);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/research"))
                .header("Content-Type", "application/json").header("Accept", accept).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
