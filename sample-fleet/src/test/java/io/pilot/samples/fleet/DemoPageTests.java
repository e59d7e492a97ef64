package io.pilot.samples.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The coordinator's page as bin/demo shows it, in headless Chromium at 1,280 × 800 against the real fleet (four
 * processes, the demo controls on): the topology graph with its tunnels and pulses, the charts, the demo controls
 * and what they do to the graph and the answers. The graph is read from the state the page mirrors from the chart
 * itself; screenshots go to target/surefire-reports/DemoPageTests/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DemoFleet.Extension.class)
@Order(2) // changes the shared demo fleet: after the classes that only look at it
class DemoPageTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path SCREENSHOTS = Path.of("target", "surefire-reports", "DemoPageTests");
    private static final List<String> FOUR = List.of("coordinator", "specialist-fx", "specialist-news", "specialist-papers");
    private static final String STATE = "JSON.parse(document.getElementById('topology').dataset.state || '{\"nodes\":[],\"edges\":[]}')";

    private final HttpClient http = HttpClient.newHttpClient();
    private DemoFleet demo;
    private Fleet fleet;
    private HeadlessChromium page;
    private int httpPort;

    @BeforeAll
    void openThePage(DemoFleet demo) throws Exception {
        this.demo = demo;
        fleet = demo.fleet;
        httpPort = demo.httpPort;
        Optional<String> chromium = HeadlessChromium.onPath();
        assumeTrue(chromium.isPresent(), "no chromium on PATH: .ci/run installs Debian's chromium");
        // ?topic= researches at once: the coordinator's tunnels to the specialists open with it.
        page = HeadlessChromium.open(chromium.get(), "http://127.0.0.1:" + httpPort + "/?topic=attention", 1280, 800,
                demo.home.resolve("chromium"));
    }

    /** The last to use the shared fleet (it stopped and started agents): closes it and checks every process is gone. */
    @AfterAll
    void stopEverything() throws Exception {
        if (page != null) {
            page.close();
        }
        List<AgentProcess> agents = demo.agents();
        demo.close();
        assertThat(agents).noneMatch(AgentProcess::isAlive);
    }

    @Test
    @Order(1)
    void theGraphShowsTheFourAgentsTheBackboneAndEveryTunnelWithRttAndPath() throws Exception {
        assertThat(page.await(STATE + ".edges.length >= 7", Duration.ofSeconds(90))).as(state().toString()).isTrue();

        JsonNode state = state();
        assertThat(names(state.path("nodes"))).containsExactlyInAnyOrder("backbone", "coordinator", "specialist-fx",
                "specialist-news", "specialist-papers");
        for (String specialist : FOUR.subList(1, 4)) {
            // The coordinator's own tunnel (its calls) and the specialist's registration with the embedded backbone.
            for (String other : List.of("coordinator", "backbone")) {
                JsonNode edge = edge(state, other, specialist);
                assertThat(edge).as(other + " ↔ " + specialist + " in " + state).isNotNull();
                assertThat(edge.path("path").asString()).isEqualTo("direct");
                assertThat(edge.path("rtt").asString()).matches("[0-9.]+ (µs|ms) · direct");
            }
        }
        assertThat(edge(state, "coordinator", "backbone")).as(state.toString()).isNotNull();

        // The charts: latency and calls per capability (the research request's, and the series the page streams at
        // once), RTT per peer.
        assertThat(page.await("['fx.rate', 'fx.series.stream', 'news.search', 'papers.search'].every(c =>"
                + " document.getElementById('charts').dataset.capabilities.split(',').includes(c))"
                + " && ['specialist-fx', 'specialist-news', 'specialist-papers'].every(p =>"
                + " document.getElementById('charts').dataset.peers.split(',').includes(p))", Duration.ofSeconds(30)))
                .as(page.evaluate("JSON.stringify(document.getElementById('charts').dataset)").asString()).isTrue();
        // The table in human units.
        assertThat(page.evaluate("[...document.querySelectorAll('#agents tr[data-agent=\"specialist-fx\"] td.num')]"
                + ".map(td => td.textContent).join(' | ')").asString())
                .matches("[0-9.]+ (µs|ms) \\| [0-9.]+ (B|KiB|MiB) / [0-9.]+ (B|KiB|MiB) \\| .*");
        screenshotWithoutSidewaysScrolling("1-mesh-and-charts");
    }

    @Test
    @Order(2)
    void aResearchRequestPulsesAlongTheEdgesItsCallsAndBroadcastPassed() throws Exception {
        page.evaluate("research('consensus', ['USD'])");

        assertThat(page.await(STATE + ".recentPulses.includes('papers.search → specialist-papers')"
                + " && " + STATE + ".recentPulses.includes('RESEARCH → specialist-news')", Duration.ofSeconds(30)))
                .as(state().toString()).isTrue();
    }

    @Test
    @Order(3)
    void badControlInputIsRefusedWithAClearErrorAndChangesNothing() throws Exception {
        assertThat(page.await("!document.getElementById('demo-controls').hidden"
                + " && document.querySelectorAll('#demo-agent option').length === 3", Duration.ofSeconds(30))).isTrue();
        page.evaluate("document.getElementById('demo-agent').value = 'specialist-fx';"
                + " document.getElementById('demo-loss').value = '150';"
                + " document.getElementById('demo-loss-form').requestSubmit()");
        assertThat(page.await("document.getElementById('demo-status').dataset.state === 'failed'", Duration.ofSeconds(30))).isTrue();
        assertThat(page.evaluate("document.getElementById('demo-status').textContent").asString())
                .isEqualTo("loss must be a percentage from 0 up to (not including) 100, was '150'");
        screenshotWithoutSidewaysScrolling("2-bad-loss-refused");

        assertRefused("/api/demo/agents/nobody/stop", "unknown agent 'nobody'; running: coordinator, specialist-papers, "
                + "specialist-fx, specialist-news");
        assertRefused("/api/demo/agents/specialist-fx/loss?percent=-1", "loss must be a percentage from 0 up to (not "
                + "including) 100, was '-1'");
        assertRefused("/api/demo/agents/specialist-fx/loss?percent=100", "was '100'");
        assertRefused("/api/demo/agents/specialist-fx/loss?percent=lots", "was 'lots'");
        assertRefused("/api/demo/agents/coordinator/stop", "the coordinator serves this page");
        assertRefused("/api/demo/specialists?profile=weather", "profile must be one of papers, fx, news, was 'weather'");

        // Nothing changed: the same four running, no loss anywhere.
        JsonNode demo = JSON.readTree(get("/api/demo").body());
        assertThat(names(demo.path("agents"))).containsExactly("coordinator", "specialist-papers", "specialist-fx",
                "specialist-news");
        demo.path("agents").forEach(agent -> assertThat(agent.path("alive").asBoolean()).isTrue());
        demo.path("agents").forEach(agent -> assertThat(agent.path("lossPercent").asDouble()).isZero());
        assertThat(JSON.readTree(fleet.get(fleet.agents().get("specialist-fx"), "/actuator/linkloss")).path("percent").asDouble())
                .isZero();
    }

    @Test
    @Order(4)
    void lossSetOnASpecialistsLinkReachesItsNodeAndItStillAnswers() throws Exception {
        page.evaluate("document.getElementById('demo-agent').value = 'specialist-news';"
                + " document.getElementById('demo-loss').value = '10';"
                + " document.getElementById('demo-loss-form').requestSubmit()");
        assertThat(page.await("document.getElementById('demo-status').dataset.state === 'done'", Duration.ofSeconds(30)))
                .as(page.evaluate("document.getElementById('demo-status').textContent").asString()).isTrue();
        assertThat(JSON.readTree(fleet.get(fleet.agents().get("specialist-news"), "/actuator/linkloss")).path("percent")
                .asDouble()).isEqualTo(10.0);

        // The transport retransmits what the link loses: the answer still comes, however late.
        JsonNode answer = JSON.readTree(fleet.research("attention", "application/json").body());
        answer.path("parts").forEach(part -> assertThat(part.path("error").isNull()).as(part.toString()).isTrue());

        post("/api/demo/agents/specialist-news/loss?percent=0");
        assertThat(JSON.readTree(fleet.get(fleet.agents().get("specialist-news"), "/actuator/linkloss")).path("percent")
                .asDouble()).isZero();
    }

    @Test
    @Order(5)
    void startingASecondFxSpecialistAddsItsNode() throws Exception {
        page.evaluate("document.getElementById('demo-start').click()");
        assertThat(page.await("document.getElementById('demo-status').dataset.state === 'done'", Duration.ofMinutes(3)))
                .as(page.evaluate("document.getElementById('demo-status').textContent").asString()).isTrue();
        assertThat(page.evaluate("document.getElementById('demo-status').textContent").asString())
                .startsWith("Started specialist-fx-2");

        assertThat(page.await(STATE + ".nodes.some(n => n.name === 'specialist-fx-2')", Duration.ofSeconds(30))).isTrue();
        assertThat(fleet.agents()).containsKey("specialist-fx-2");
        screenshotWithoutSidewaysScrolling("3-second-fx-specialist");
    }

    @Test
    @Order(6)
    void stoppingASpecialistRemovesItsNodeAndTheNextAnswerFailsOver() throws Exception {
        AgentProcess first = fleet.agents().get("specialist-fx");
        page.evaluate("document.getElementById('demo-agent').value = 'specialist-fx';"
                + " document.getElementById('demo-stop').click()");
        assertThat(page.await("document.getElementById('demo-status').dataset.state === 'done'", Duration.ofMinutes(1)))
                .as(page.evaluate("document.getElementById('demo-status').textContent").asString()).isTrue();
        assertThat(first.isAlive()).isFalse();

        assertThat(page.await("!" + STATE + ".nodes.some(n => n.name === 'specialist-fx')", Duration.ofSeconds(30)))
                .as(state().toString()).isTrue();
        assertThat(names(state().path("nodes"))).contains("specialist-fx-2");

        page.evaluate("research('attention', ['USD', 'GBP'])");
        assertThat(page.await("document.querySelectorAll('#answer-table tr[data-capability=\"fx.rate\"]').length === 2",
                Duration.ofSeconds(60))).isTrue();
        assertThat(page.evaluate("[...document.querySelectorAll('#answer-table tr[data-capability=\"fx.rate\"]')]"
                + ".map(tr => tr.dataset.agent + (tr.querySelector('.error') ? ' failed' : '')).join(',')").asString())
                .isEqualTo("specialist-fx-2,specialist-fx-2");
        screenshotWithoutSidewaysScrolling("4-fx-stopped-failed-over");
    }

    private JsonNode state() {
        return JSON.readTree(page.evaluate("JSON.stringify(" + STATE + ")").asString());
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(node -> names.add(node.path("name").asString()));
        return names;
    }

    private static JsonNode edge(JsonNode state, String one, String other) {
        for (JsonNode edge : state.path("edges")) {
            String source = edge.path("source").asString();
            String target = edge.path("target").asString();
            if (source.equals(one) && target.equals(other) || source.equals(other) && target.equals(one)) {
                return edge;
            }
        }
        return null;
    }

    private void screenshotWithoutSidewaysScrolling(String name) throws Exception {
        page.screenshot(SCREENSHOTS.resolve(name + ".png"));
        assertThat(page.evaluate("document.documentElement.scrollWidth").asInt()).as("page width at 1280 px").isLessThanOrEqualTo(1280);
    }

    private void assertRefused(String path, String error) throws Exception {
        HttpResponse<String> refused = post(path);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("error").asString()).contains(error);
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
