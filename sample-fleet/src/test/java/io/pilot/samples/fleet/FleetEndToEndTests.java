package io.pilot.samples.fleet;

import java.util.Comparator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The research fleet as a user runs it: the coordinator and three specialists as separate processes from
 * their executable jars, found by capability, traced across all four, managed by pilotctl, shown in a real
 * browser, scaled and moved without configuration changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetEndToEndTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private Path home;
    private TraceCollector collector;
    private Fleet fleet;
    private int httpPort;

    @BeforeAll
    void startTheFleet() throws IOException {
        // Short: control sockets live under it, and Unix socket paths are limited to 107 bytes.
        home = Files.createTempDirectory(Path.of("/tmp"), "fleet");
        collector = new TraceCollector();
        httpPort = FreePorts.tcp(6);
        fleet = new Fleet(Fleet.Settings.inRepository(ROOT, home.resolve("work"))
                .withPorts(httpPort, FreePorts.udp())
                .withEnvironment(Map.of("PILOT_HOME", home.toString()))
                .withArguments(List.of("--management.opentelemetry.tracing.export.otlp.endpoint=" + collector.endpoint(),
                        "--logging.level.root=WARN", "--logging.level.io.pilot.samples=INFO")));
        fleet.startCoordinator();
        fleet.startSpecialists();
    }

    @AfterAll
    void stopEverything() throws IOException {
        List<AgentProcess> agents = new ArrayList<>(fleet.agents().values());
        fleet.close();
        collector.close();
        assertThat(agents).noneMatch(AgentProcess::isAlive);
        // Every node stopped cleanly took its control socket with it; the killed one left its file behind,
        // which the next node of that name finds stale and replaces.
        try (Stream<Path> left = Files.list(home.resolve("run"))) {
            assertThat(left.filter(p -> p.toString().endsWith(".sock")).map(p -> p.getFileName().toString()))
                    .containsExactly("specialist-papers.sock");
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void allFourAreHealthyAndRegistered() {
        for (AgentProcess agent : fleet.agents().values()) {
            JsonNode health = json(fleet.get(agent, "/actuator/health"));
            assertThat(health.path("status").asString()).as(agent.name()).isEqualTo("UP");
            JsonNode pilot = health.path("components").path("pilot");
            assertThat(pilot.path("status").asString()).as(agent.name()).isEqualTo("UP");
            assertThat(pilot.path("details").path("backboneStatus").asString()).isEqualTo("REGISTERED");
            assertThat(pilot.path("details").path("hostname").asString()).isEqualTo(agent.name());
        }
    }

    /** The spans whose parent is not among {@code spans}. */
    private static List<TraceCollector.Span> roots(List<TraceCollector.Span> spans) {
        Set<String> ids = new HashSet<>();
        spans.forEach(span -> ids.add(span.spanId()));
        return spans.stream().filter(span -> !ids.contains(span.parentId())).toList();
    }

    @Test
    @Order(2)
    void oneResearchRequestIsAnsweredByEachSpecialistDirectlyAndTracedAcrossAllFour() throws Exception {
        JsonNode answer = research("attention");

        JsonNode papers = part(answer, "papers.search");
        assertThat(papers.path("agent").asString()).as(papers.toString()).isEqualTo("specialist-papers");
        assertThat(papers.path("path").asString()).isEqualTo("direct");
        assertThat(papers.path("result").path("results").size()).isPositive();
        assertThat(papers.path("result").path("results").get(0).path("title").asString()).containsIgnoringCase("attention");
        JsonNode news = part(answer, "news.search");
        assertThat(news.path("agent").asString()).as(news.toString()).isEqualTo("specialist-news");
        assertThat(news.path("result").path("items").size()).isPositive();
        List<JsonNode> rates = parts(answer, "fx.rate");
        assertThat(rates).hasSize(3);
        for (JsonNode rate : rates) {
            assertThat(rate.path("agent").asString()).as(rate.toString()).isEqualTo("specialist-fx");
            assertThat(rate.path("result").path("rate").asDouble()).isPositive();
        }
        List<String> delivered = new ArrayList<>();
        answer.path("broadcast").path("delivered").forEach(member -> delivered.add(member.asString()));
        assertThat(delivered).containsExactly("specialist-fx", "specialist-news", "specialist-papers");

        for (String specialist : List.of("specialist-papers", "specialist-fx", "specialist-news")) {
            Path log = fleet.agents().get(specialist).log();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.readString(log).contains("is researching 'attention'") && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(log)).as(specialist + " heard the broadcast").contains("is researching 'attention'");
        }

        String traceId = answer.path("traceId").asString();
        assertThat(traceId).hasSize(32);
        Set<String> services = new HashSet<>();
        List<TraceCollector.Span> spans = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // Spans are exported in batches, each app's on its own schedule: a child's may come before its parent's (seen
        // in CI: the specialists' spans in, the coordinator's call spans not yet), so wait for every root to be in.
        while ((services.size() < 4 || roots(spans).size() > 1) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            spans = collector.trace(traceId);
            services.clear();
            spans.forEach(span -> services.add(span.service()));
        }
        assertThat(services).containsExactlyInAnyOrder("coordinator", "specialist-papers", "specialist-fx",
                "specialist-news");
        // One tree: every span but the HTTP request's hangs under another span of the same trace.
        assertThat(roots(spans))
                .as(TraceTree.render(traceId, spans)).singleElement()
                .satisfies(root -> assertThat(root.service()).isEqualTo("coordinator"));
    }

    @Test
    @Order(2)
    void aRateTheFxSpecialistRefusesIsABadRequestWithItsCodeWordsAndTrace() throws Exception {
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/api/rate?quote=XYZ")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonNode problem = json(refused.body());
        assertThat(problem.path("code").asString()).isEqualTo("INVALID_ARGUMENT");
        assertThat(problem.path("detail").asString()).startsWith("'quote': unknown currency XYZ; known: AUD, BGN");
        assertThat(problem.path("capability").asString()).isEqualTo("fx.rate");
        assertThat(problem.path("traceId").asString()).hasSize(32);
        assertThat(refused.body()).doesNotContain("Exception");
    }

    @Test
    @Order(3)
    void theSeedsWalkthroughWorksAgainstTheRunningFleet() throws Exception {
        Cli ping = pilotctl("--node", "coordinator", "ping", "specialist-papers", "--count", "2");
        assertThat(ping.status()).as(ping.output()).isZero();
        assertThat(ping.output().lines().filter(line -> line.matches(
                "✓ reply from \\d+:[0-9A-F]{4}\\.[0-9A-F]{4}\\.[0-9A-F]{4} · [0-9.]+ms"))).hasSize(2);

        Cli find = pilotctl("--node", "coordinator", "find", "--capability", "fx.rate");
        assertThat(find.status()).as(find.output()).isZero();
        assertThat(find.output()).contains("specialist-fx");

        Cli withoutNode = pilotctl("info");
        assertThat(withoutNode.status()).isNotZero();
        assertThat(withoutNode.output()).contains("nodes are running").contains("--node");
    }

    @Test
    @Order(4)
    void thePageShowsTheAnswerAndTheMeshInARealBrowser() throws Exception {
        Optional<String> chromium = Stream.of("chromium", "chromium-browser", "google-chrome")
                .filter(FleetEndToEndTests::onPath).findFirst();
        assumeTrue(chromium.isPresent(), "no chromium on PATH: .ci/run installs Debian's chromium");
        Process browser = new ProcessBuilder(chromium.get(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--user-data-dir=" + home.resolve("chromium"), "--virtual-time-budget=20000",
                "--dump-dom", "http://127.0.0.1:" + httpPort + "/?topic=consensus&q=consensus%20in%20USD")
                .redirectError(home.resolve("chromium.log").toFile()).start();
        String dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(browser.waitFor(90, TimeUnit.SECONDS)).isTrue();

        // The answer, rendered by the page's script from POST /research.
        assertThat(dom).contains("id=\"answer-table\"")
                .contains("data-capability=\"papers.search\" data-agent=\"specialist-papers\"")
                .contains("data-capability=\"news.search\" data-agent=\"specialist-news\"")
                .contains("data-capability=\"fx.rate\" data-agent=\"specialist-fx\"");
        // The question in words, from GET /api/ask: no model is configured, so the planner asked the specialists.
        assertThat(dom).contains("<p id=\"question-summary\" data-mode=\"planner\">")
                .contains("<li data-tool=\"papers_search\">").contains("<li data-tool=\"fx_rate\">");
        // The mesh, from /api/agents and /actuator/pilot: every specialist with a direct tunnel.
        for (String agent : List.of("specialist-papers", "specialist-fx", "specialist-news")) {
            assertThat(dom).contains("<tr data-agent=\"" + agent + "\">");
        }
        assertThat(dom).contains("<td class=\"direct\">direct</td>").contains("<td>RESEARCH</td>").contains("coordinator · ");
        // The streamed reply: the real fx specialist's whole series (123 business days), drawn as it arrived.
        assertThat(dom).contains("<dd id=\"series-count\">123</dd>")
                .contains("<dd id=\"series-agent\" data-agent=\"specialist-fx\">specialist-fx</dd>")
                .contains("<dd id=\"series-path\" class=\"direct\">direct</dd>")
                .contains("data-items=\"123\"").containsPattern("<dd id=\"series-first\">[0-9.]+ ms</dd>")
                .containsPattern("<p id=\"series-status\" class=\"note\" aria-live=\"polite\" data-state=\"done\">123 points");
    }

    @Test
    @Order(4)
    void theSeriesStreamsFromTheRealFxSpecialistAndARefusalIsTyped() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> streamed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/api/fx/series?base=USD&quote=JPY&from=2023-01-02&to=2023-01-06")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        assertThat(streamed.body().lines().filter(line -> line.startsWith("event:")))
                .containsExactly("event:source", "event:point", "event:point", "event:point", "event:point", "event:point", "event:end");
        assertThat(streamed.body()).contains("\"agent\":\"specialist-fx\"").contains("\"date\":\"2023-01-02\"")
                .contains("\"items\":5");

        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/api/fx/series?quote=XYZ")).header("Accept", "text/event-stream, application/problem+json")
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonNode problem = json(refused.body());
        assertThat(problem.path("code").asString()).isEqualTo("INVALID_ARGUMENT");
        assertThat(problem.path("capability").asString()).isEqualTo("fx.series.stream");
        assertThat(problem.path("detail").asString()).startsWith("'quote': unknown currency XYZ; known: AUD, BGN");
    }

    @Test
    @Order(5)
    void callsSpreadOverTwoFxSpecialists() throws Exception {
        AgentProcess second = fleet.launchSpecialist("fx", "specialist-fx-2", httpPort + 4);
        fleet.awaitHealthy(second);
        Set<String> answeredBy = new HashSet<>();
        for (int i = 0; i < 20 && answeredBy.size() < 2; i++) {
            parts(research("consensus"), "fx.rate").forEach(part -> answeredBy.add(part.path("agent").asString()));
        }
        assertThat(answeredBy).containsExactlyInAnyOrder("specialist-fx", "specialist-fx-2");
    }

    @Test
    @Order(6)
    void aKilledSpecialistIsReplacedWithoutAnyConfigurationChange() throws Exception {
        fleet.agents().get("specialist-papers").kill();
        AgentProcess replacement = fleet.launchSpecialist("papers", "specialist-papers-2", httpPort + 5);
        fleet.awaitHealthy(replacement);

        // The dead one's record lingers until its lease lapses, and the coordinator still has a tunnel to it: the
        // call goes there first, finds it unresponsive (10 s without an answer) and fails over to the live one.
        JsonNode papers = part(research("attention"), "papers.search");
        assertThat(papers.path("error").isNull()).as(papers.toString()).isTrue();
        assertThat(papers.path("agent").asString()).isEqualTo("specialist-papers-2");
        assertThat(papers.path("result").path("results").size()).isPositive();
    }

    private JsonNode research(String topic) {
        HttpResponse<String> response = fleet.research(topic, "application/json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    private static JsonNode part(JsonNode answer, String capability) {
        List<JsonNode> parts = parts(answer, capability);
        assertThat(parts).as(answer.toString()).hasSize(1);
        return parts.get(0);
    }

    private static List<JsonNode> parts(JsonNode answer, String capability) {
        List<JsonNode> parts = new ArrayList<>();
        answer.path("parts").forEach(part -> {
            if (capability.equals(part.path("capability").asString())) {
                parts.add(part);
            }
        });
        return parts;
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    record Cli(int status, String output) {
    }

    /** The real pilotctl, in its own JVM, pointed at the fleet's control sockets. */
    private Cli pilotctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "io.pilot.cli.PilotCtl"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PILOT_HOME", home.toString());
        builder.environment().remove("PILOT_NODE");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Cli(process.exitValue(), output);
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
