package io.pilot.samples.coordinator.mesh;

import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the charts' figures once a second into a ring of the last {@link #KEPT} seconds: calls per second and
 * p50/p99 per capability from the starter's client timer ({@link CallLatency}), and the RTT of each of this
 * coordinator's tunnels ({@link TopologyView}). Sampling here, not in the page, keeps the history when no page is
 * open and costs the same with ten pages open.
 */
public class ChartSampler implements AutoCloseable {

    /** Ten minutes of one-second samples. */
    static final int KEPT = 600;

    private static final Logger log = LoggerFactory.getLogger(ChartSampler.class);

    private final MeterRegistry registry;
    private final Supplier<Topology> topology;
    private final Clock clock;
    private final Deque<ChartSample> samples = new ArrayDeque<>();
    private final Map<String, Long> lastTotals = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            runnable -> {
                Thread thread = new Thread(runnable, "chart-sampler");
                thread.setDaemon(true);
                return thread;
            });
    private long lastAt;

    /** @param topology the mesh now ({@link TopologyView#topology}): the RTTs are its edges from this coordinator */
    public ChartSampler(MeterRegistry registry, Supplier<Topology> topology, Clock clock) {
        this.registry = registry;
        this.topology = topology;
        this.clock = clock;
    }

    /** Samples every {@code period} from now on. */
    public ChartSampler start(Duration period) {
        timer.scheduleAtFixedRate(this::sampleQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The samples taken after {@code afterMillis}, oldest first. */
    public synchronized List<ChartSample> since(long afterMillis) {
        return samples.stream().filter(sample -> sample.atMillis() > afterMillis).toList();
    }

    /** Takes one sample now. */
    synchronized ChartSample sample() {
        long now = clock.millis();
        double seconds = lastAt == 0 ? 0 : (now - lastAt) / 1000.0;
        // The tunnels first: if the node cannot be read (starting, stopping), nothing is counted as sampled.
        Map<String, Double> rtts = new TreeMap<>();
        Topology seen = topology.get();
        Map<String, String> names = new HashMap<>();
        seen.nodes().forEach(node -> names.put(node.address(), node.hostname()));
        // This coordinator's node reports its tunnels first, so each of them has it as the source.
        seen.edges().stream().filter(edge -> edge.source().equals(seen.self()) && edge.rttMicros() != null)
                .forEach(edge -> rtts.put(names.get(edge.target()), edge.rttMicros() / 1000.0));
        Map<String, ChartSample.Calls> calls = new TreeMap<>();
        CallLatency.read(registry).forEach((capability, stats) -> {
            long previous = lastTotals.getOrDefault(capability, 0L);
            lastTotals.put(capability, stats.total());
            double perSecond = seconds == 0 ? 0 : (stats.total() - previous) / seconds;
            calls.put(capability, new ChartSample.Calls(perSecond, stats.p50Millis(), stats.p99Millis()));
        });
        lastAt = now;
        ChartSample sample = new ChartSample(now, calls, rtts);
        samples.addLast(sample);
        while (samples.size() > KEPT) {
            samples.removeFirst();
        }
        return sample;
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            // The node is starting or stopping, or the backbone is away: the chart shows a gap for this second.
            log.debug("no chart sample this second: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
