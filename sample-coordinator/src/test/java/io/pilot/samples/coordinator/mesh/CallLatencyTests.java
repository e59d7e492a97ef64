package io.pilot.samples.coordinator.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Percentiles per capability summed over the timer's series, as the actuator's registry keeps them. */
class CallLatencyTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    CallLatencyTests() {
        registry.config().meterFilter(CallLatency.FILTER);
    }

    @Test
    void percentilesMergeTheSeriesOfOneCapabilityAndKeepCapabilitiesApart() {
        Timer directOk = timer("fx.rate", "SUCCESS", "direct");
        Timer relayedFailed = timer("fx.rate", "UNAVAILABLE", "relayed");
        for (int i = 0; i < 98; i++) {
            directOk.record(Duration.ofMillis(4));
        }
        relayedFailed.record(Duration.ofMillis(400));
        relayedFailed.record(Duration.ofMillis(450));
        for (int i = 0; i < 10; i++) {
            timer("papers.search", "SUCCESS", "direct").record(Duration.ofMillis(80));
        }

        Map<String, CallLatency.Stats> stats = CallLatency.read(registry);

        assertThat(stats).containsOnlyKeys("fx.rate", "papers.search");
        CallLatency.Stats fx = stats.get("fx.rate");
        assertThat(fx.total()).isEqualTo(100);
        assertThat(fx.inWindow()).isEqualTo(100);
        assertThat(fx.p50Millis()).isBetween(3.0, 5.0);
        assertThat(fx.p99Millis()).isBetween(300.0, 500.0);
        assertThat(stats.get("papers.search").p50Millis()).isBetween(75.0, 100.0);
    }

    @Test
    void aWindowWithoutCallsHasNoPercentiles() {
        assertThat(CallLatency.percentile(new long[CallLatency.BOUNDARIES_MILLIS.length], 0.5)).isNull();
        assertThat(CallLatency.read(registry)).isEmpty();
    }

    @Test
    void theRankFallsInsideItsBucketByInterpolation() {
        long[] cumulative = new long[CallLatency.BOUNDARIES_MILLIS.length];
        int tenMillis = Arrays.binarySearch(CallLatency.BOUNDARIES_MILLIS, 10);
        for (int i = tenMillis; i < cumulative.length; i++) {
            cumulative[i] = 100; // every call between 7.5 and 10 ms
        }
        assertThat(CallLatency.percentile(cumulative, 0.5)).isCloseTo(8.75, within(1e-9));
        assertThat(CallLatency.percentile(cumulative, 1.0)).isCloseTo(10.0, within(1e-9));
    }

    private Timer timer(String capability, String outcome, String path) {
        return Timer.builder(CallLatency.TIMER).tag("pilot.capability", capability).tag("pilot.outcome", outcome)
                .tag("pilot.path", path).register(registry);
    }
}
