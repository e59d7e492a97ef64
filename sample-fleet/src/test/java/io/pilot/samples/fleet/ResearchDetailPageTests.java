package io.pilot.samples.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The coordinator's research detail in a real browser, against the fleet as bin/demo runs it: four processes exporting
 * their spans to the local trace collector, whose query API the coordinator is told of ({@code demo.traces-url}). A
 * research request is drawn as a waterfall (one bar per part, each labelled with who answered over which path) and as
 * its trace tree across the four processes; the screenshot is saved under target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DemoFleet.Extension.class)
@Order(1) // looks at the shared demo fleet before DemoPageTests changes it
class ResearchDetailPageTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> FLEET = Set.of("coordinator", "specialist-papers", "specialist-fx", "specialist-news");
    private static final Pattern TEXT = Pattern.compile("<text[^>]*>([^<]*)</text>");
    private static final Pattern BAR_LABEL = Pattern.compile("(\\S+) · (direct|relayed|relayed over TCP|failed|unknown) · [0-9.]+ (µs|ms|s)");
    private static final Pattern TRACE_ROW = Pattern.compile("<tr data-service=\"([^\"]+)\" data-depth=\"(\\d+)\">");

    private Path home;
    private TraceCollector collector;
    private Fleet fleet;
    private int httpPort;

    @BeforeAll
    void takeTheDemoFleet(DemoFleet demo) {
        home = demo.home;
        collector = demo.collector;
        fleet = demo.fleet;
        httpPort = demo.httpPort;
    }

    @Test
    void aResearchRequestIsDrawnAsItsWaterfallAndItsTraceAcrossTheFourProcesses() throws Exception {
        HttpResponse<String> response = fleet.research("attention", "application/json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        String traceId = answer.path("traceId").asString();
        List<String> responders = new ArrayList<>();
        answer.path("parts").forEach(part -> responders.add(part.path("agent").asString()));
        int spansSeen = awaitSpansFromTheWholeFleet(traceId);

        Optional<String> browser = HeadlessChromium.onPath();
        assumeTrue(browser.isPresent(), "no chromium on PATH: .ci/run installs Debian's chromium");
        String page = "http://127.0.0.1:" + httpPort + "/";
        try (HeadlessChromium chromium = HeadlessChromium.open(browser.get(), page, 1280, 1600, home.resolve("chromium"))) {
            // The page polls for the newest request and then for its spans; the tree says "complete" when all came.
            assertThat(chromium.await("document.getElementById('trace-status')?.dataset.state === 'complete'"
                    + " && document.getElementById('research-waterfall').textContent.includes('tell RESEARCH')",
                    Duration.ofMinutes(1))).as("the waterfall and a complete trace tree drawn").isTrue();
            String dom = chromium.evaluate("document.documentElement.outerHTML").asString();
            Path screenshot = Path.of("target", "screenshots", "research-detail.png");
            chromium.screenshot(screenshot);
            assertDrawn(dom, answer, traceId, responders, spansSeen);
            byte[] png = Files.readAllBytes(screenshot);
            assertThat(png.length).isGreaterThan(10_000);
            assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
    }

    private static void assertDrawn(String dom, JsonNode answer, String traceId, List<String> responders, int spansSeen) {
        // The waterfall: ECharts draws it as SVG, so its labels are in the DOM, one per bar.
        String waterfall = between(dom, "id=\"research-waterfall\"", "id=\"trace-status\"");
        List<String> texts = all(TEXT, waterfall, 1);
        assertThat(texts).as(waterfall).contains("tell RESEARCH", "papers.search", "news.search", "fx.rate EUR→USD", "fx.rate EUR→GBP",
                "fx.rate EUR→JPY");
        List<String> barLabels = texts.stream().filter(text -> BAR_LABEL.matcher(text).matches()).toList();
        assertThat(barLabels).as(texts.toString()).hasSize(answer.path("parts").size());
        assertThat(barLabels.stream().map(label -> label.substring(0, label.indexOf(" · "))))
                .containsExactlyInAnyOrderElementsOf(responders);
        assertThat(barLabels).allMatch(label -> label.contains(" · direct · "));
        assertThat(dom).contains("trace " + traceId);

        // The trace tree: spans from all four processes, the coordinator's HTTP request at the root.
        assertThat(dom).contains("<p id=\"trace-status\" class=\"note\" aria-live=\"polite\" data-state=\"complete\">");
        Matcher rows = TRACE_ROW.matcher(between(dom, "id=\"trace-rows\"", "</tbody>"));
        List<String> services = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        while (rows.find()) {
            services.add(rows.group(1));
            depths.add(Integer.parseInt(rows.group(2)));
        }
        assertThat(new TreeSet<>(services)).isEqualTo(new TreeSet<>(FLEET));
        assertThat(services).hasSizeGreaterThanOrEqualTo(spansSeen);
        assertThat(services.get(0)).isEqualTo("coordinator");
        assertThat(depths.get(0)).isZero();
        assertThat(depths.stream().filter(depth -> depth == 0)).as("one root").hasSize(1);
        assertThat(depths).anyMatch(depth -> depth >= 2);
    }

    /** Waits until each of the four processes has exported its spans of the trace (in batches); how many there are then. */
    private int awaitSpansFromTheWholeFleet(String traceId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !services(traceId).containsAll(FLEET)) {
            Thread.sleep(250);
        }
        assertThat(services(traceId)).containsAll(FLEET);
        return collector.trace(traceId).size();
    }

    private Set<String> services(String traceId) {
        return collector.trace(traceId).stream().map(TraceCollector.Span::service).collect(Collectors.toSet());
    }

    private static String between(String text, String from, String to) {
        int start = text.indexOf(from);
        assertThat(start).as("the page has " + from).isNotNegative();
        int end = text.indexOf(to, start);
        assertThat(end).as("the page has " + to + " after " + from).isGreaterThan(start);
        return text.substring(start, end);
    }

    private static List<String> all(Pattern pattern, String text, int group) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(group));
        }
        return found;
    }
}
