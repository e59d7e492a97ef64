package io.pilot.samples.coordinator.mesh;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.pilot.spring.observation.DefaultPilotClientObservationConvention;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Call latency per capability from the starter's client timer ({@code pilot.client.requests}). The timer has one
 * series per capability, outcome and path; percentiles cannot be merged across series, histogram buckets can: the
 * {@link #FILTER} gives the timer fixed buckets (service-level objectives, which every registry keeps) over a
 * rotating window, and p50/p99 are read from the buckets summed per capability.
 */
public final class CallLatency {

    /** The timer's name. */
    public static final String TIMER = DefaultPilotClientObservationConvention.NAME;

    /** The tag that names the capability. */
    static final String CAPABILITY = "pilot.capability";

    /** What the percentiles cover: Micrometer's window rotates in three steps, so the last 20 to 30 s. */
    static final Duration WINDOW = Duration.ofSeconds(30);

    /** Bucket boundaries in ms, from a loopback call to a call that waits for a dead peer to be given up. */
    static final double[] BOUNDARIES_MILLIS = {0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75,
        100, 150, 200, 300, 500, 750, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000};

    /** Gives {@value #TIMER} the buckets and the window the percentiles are read from. */
    public static final MeterFilter FILTER = new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            if (!id.getName().equals(TIMER)) {
                return config;
            }
            return DistributionStatisticConfig.builder()
                    .serviceLevelObjectives(Arrays.stream(BOUNDARIES_MILLIS).map(millis -> millis * 1e6).toArray())
                    .expiry(WINDOW).bufferLength(3).build().merge(config);
        }
    };

    private CallLatency() {
    }

    /** Per capability: all calls so far, and the window's p50 and p99. */
    public static Map<String, Stats> read(MeterRegistry registry) {
        Map<String, long[]> buckets = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        for (Timer timer : registry.find(TIMER).timers()) {
            String capability = timer.getId().getTag(CAPABILITY);
            if (capability == null) {
                continue;
            }
            HistogramSnapshot snapshot = timer.takeSnapshot();
            counts.merge(capability, snapshot.count(), Long::sum);
            long[] summed = buckets.computeIfAbsent(capability, c -> new long[BOUNDARIES_MILLIS.length]);
            for (CountAtBucket bucket : snapshot.histogramCounts()) {
                int index = indexOf(bucket.bucket(TimeUnit.MILLISECONDS));
                if (index >= 0) {
                    summed[index] += (long) bucket.count();
                }
            }
        }
        Map<String, Stats> stats = new TreeMap<>();
        counts.forEach((capability, count) -> {
            long[] cumulative = buckets.get(capability);
            stats.put(capability, new Stats(count, cumulative[cumulative.length - 1],
                    percentile(cumulative, 0.5), percentile(cumulative, 0.99)));
        });
        return stats;
    }

    /**
     * The value below which {@code q} of the window's calls fall, interpolated inside its bucket; null for an empty
     * window.
     *
     * @param cumulative calls at or below each boundary (Micrometer's bucket counts are cumulative)
     */
    static Double percentile(long[] cumulative, double q) {
        long total = cumulative[cumulative.length - 1];
        if (total == 0) {
            return null;
        }
        double rank = q * total;
        for (int i = 0; i < cumulative.length; i++) {
            if (cumulative[i] >= rank) {
                long below = i == 0 ? 0 : cumulative[i - 1];
                double lower = i == 0 ? 0 : BOUNDARIES_MILLIS[i - 1];
                double within = cumulative[i] == below ? 1 : (rank - below) / (cumulative[i] - below);
                return lower + within * (BOUNDARIES_MILLIS[i] - lower);
            }
        }
        return BOUNDARIES_MILLIS[BOUNDARIES_MILLIS.length - 1];
    }

    private static int indexOf(double millis) {
        for (int i = 0; i < BOUNDARIES_MILLIS.length; i++) {
            if (Math.abs(BOUNDARIES_MILLIS[i] - millis) < 1e-6) {
                return i;
            }
        }
        return -1;
    }

    /**
     * One capability's calls.
     *
     * @param total calls made since start
     * @param inWindow calls in the window
     * @param p50Millis the window's median, or null if it had none
     * @param p99Millis the window's 99th percentile, or null if it had none
     */
    public record Stats(long total, long inWindow, Double p50Millis, Double p99Millis) {
    }
}
