package io.pilot.samples.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.spring.test.EmbeddedPilotBackbone;
import io.pilot.spring.test.PilotStubs;
import io.pilot.spring.test.StubAgent;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The page's research detail over HTTP: each research request's parts as a waterfall (when each was asked, how long it
 * took, who answered over which path), and its trace as the demo's collector has it, here a stand-in collector on
 * loopback that answers one known trace.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"pilot.hostname=coordinator",
        "pilot.control.enabled=false", "management.tracing.sampling.probability=0"})
@EmbeddedPilotBackbone
class ResearchDetailTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KNOWN = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String BROKEN = "0".repeat(32);
    private static final String TREE = "{\"traceId\":\"" + KNOWN + "\",\"services\":[\"coordinator\"],\"spans\":[]}";
    private static final List<String> ASKED = new ArrayList<>();
    private static final HttpServer COLLECTOR = standInCollector();

    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    @Autowired
    PilotStubs stubs;

    StubAgent papers;
    StubAgent fx;

    @DynamicPropertySource
    static void collector(DynamicPropertyRegistry properties) {
        properties.add("demo.traces-url", () -> "http://127.0.0.1:" + COLLECTOR.getAddress().getPort() + "/traces");
    }

    @AfterAll
    static void stopCollector() {
        COLLECTOR.stop(0);
    }

    @BeforeEach
    void startSpecialists() {
        papers = stubs.stub("papers.search", query -> Map.of("query", query.path("query").asString(), "total", 0,
                "results", List.of()));
        fx = stubs.stub("fx.rate", query -> Map.of("base", "EUR", "quote", query.path("quote").asString(),
                "date", "2024-03-15", "rate", 1.0876));
    }

    @Test
    void eachRequestIsKeptAsAWaterfallOfItsPartsNewestFirst() throws Exception {
        JsonNode answer = JSON.readTree(research("attention", false, "USD", "GBP").body());
        research("consensus", true, "JPY");

        // The answer itself carries each part's offset and duration.
        for (JsonNode part : answer.path("parts")) {
            assertThat(part.path("startMillis").isNumber()).as(part.toString()).isTrue();
            assertThat(part.path("startMillis").asDouble()).isBetween(0.0, answer.path("millis").asDouble());
        }

        JsonNode recent = JSON.readTree(get("/api/research/recent").body());
        assertThat(recent.get(0).path("topic").asString()).isEqualTo("consensus");
        assertThat(recent.get(1).path("topic").asString()).isEqualTo("attention");
        assertThat(recent.get(0).path("number").asLong()).isEqualTo(recent.get(1).path("number").asLong() + 1);
        // The group told first (nobody is in it here), or not at all.
        assertThat(recent.get(0).path("broadcast").path("group").asString()).isEqualTo("RESEARCH");
        assertThat(recent.get(0).path("broadcast").path("millis").isNumber()).isTrue();
        assertThat(recent.get(1).path("broadcast").isNull()).isTrue();
        List<String> bars = new ArrayList<>();
        recent.get(1).path("bars").forEach(bar -> bars.add(bar.path("capability").asString() + " "
                + bar.path("arguments").path("quote").asString("-") + " " + bar.path("agent").asString("nobody") + " "
                + bar.path("path").asString() + " " + (bar.path("error").isNull() ? "ok" : "failed")));
        assertThat(bars).containsExactly("papers.search - " + papers.hostname() + " direct ok",
                "news.search - nobody unknown failed", "fx.rate USD " + fx.hostname() + " direct ok",
                "fx.rate GBP " + fx.hostname() + " direct ok");
        for (JsonNode bar : recent.get(1).path("bars")) {
            assertThat(bar.path("millis").asDouble()).as(bar.toString()).isPositive();
            assertThat(bar.has("result")).isFalse();
        }
    }

    @Test
    void aTraceIsAskedOfTheCollectorAndPassedOnAsItSaysIt() throws Exception {
        HttpResponse<String> trace = get("/api/traces/" + KNOWN);
        assertThat(trace.statusCode()).as(trace.body()).isEqualTo(200);
        assertThat(trace.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(trace.body()).isEqualTo(TREE);
        assertThat(ASKED).contains("/traces/" + KNOWN);
    }

    @Test
    void aBadTraceIdOrAFailingCollectorIsAProblemDocument() throws Exception {
        int asked = ASKED.size();
        HttpResponse<String> bad = get("/api/traces/" + KNOWN.toUpperCase());
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("detail").asString())
                .isEqualTo("a trace id is 32 lowercase hex digits, was '" + KNOWN.toUpperCase() + "'");
        assertThat(ASKED).hasSize(asked);

        HttpResponse<String> failing = get("/api/traces/" + BROKEN);
        assertThat(failing.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(failing.body()).path("detail").asString()).contains("answered 500: the disk is full");
    }

    @Test
    void withoutACollectorThereIsNoTraceAndAClosedOneIsSaidToBeDown() throws IOException {
        assertThat(new TraceSource("").trace(KNOWN)).isEmpty();
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertThatThrownBy(() -> new TraceSource("http://127.0.0.1:" + closed + "/traces").trace(KNOWN))
                .isInstanceOf(TraceSource.Unavailable.class).hasMessageContaining("does not answer");
    }

    private HttpResponse<String> research(String topic, boolean broadcast, String... currencies) throws Exception {
        String body = JSON.writeValueAsString(Map.of("topic", topic, "currencies", List.of(currencies), "broadcast", broadcast));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/research"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Answers the known trace, fails the broken one with 500, and remembers what it was asked. */
    private static HttpServer standInCollector() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/traces/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                synchronized (ASKED) {
                    ASKED.add(path);
                }
                boolean known = path.equals("/traces/" + KNOWN);
                byte[] body = (known ? TREE : "the disk is full").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(known ? 200 : 500, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
