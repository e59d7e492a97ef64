package io.pilot.samples.coordinator.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** One sample a second: calls per second from the timer's counts, RTTs from the coordinator's own tunnels. */
class ChartSamplerTests {

    private static final String SELF = "0:0000.0000.0001";
    private static final String FX = "0:0000.0000.0002";
    private static final String BACKBONE = "0:0000.0000.0003";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final Topology topology = new Topology(SELF, List.of(
            new Topology.Node(SELF, "coordinator", "coordinator", List.of(), List.of("RESEARCH")),
            new Topology.Node(FX, "specialist-fx", "agent", List.of("fx.rate"), List.of("RESEARCH")),
            new Topology.Node(BACKBONE, "backbone", "backbone", List.of(), List.of())),
            List.of(new Topology.Edge(SELF, FX, "direct", 1_500L, 10, 20),
                    new Topology.Edge(SELF, BACKBONE, "direct", null, 10, 20),
                    new Topology.Edge(BACKBONE, FX, "direct", 300L, 10, 20)));
    private final ChartSampler sampler;

    ChartSamplerTests() {
        registry.config().meterFilter(CallLatency.FILTER);
        sampler = new ChartSampler(registry, () -> topology, clock);
    }

    @Test
    void callsPerSecondCountWhatFinishedSinceTheLastSampleAndRttsAreTheCoordinatorsTunnels() {
        sampler.sample();
        Timer fx = Timer.builder(CallLatency.TIMER).tag("pilot.capability", "fx.rate").register(registry);
        for (int i = 0; i < 6; i++) {
            fx.record(Duration.ofMillis(5));
        }
        now.set(now.get().plusSeconds(2));

        ChartSample second = sampler.sample();

        assertThat(second.calls()).containsOnlyKeys("fx.rate");
        assertThat(second.calls().get("fx.rate").perSecond()).isEqualTo(3.0);
        assertThat(second.calls().get("fx.rate").p50Millis()).isBetween(3.0, 5.0);
        // Only the coordinator's own tunnels with a sample: not the backbone's to fx, not one without an RTT yet.
        assertThat(second.rttMillis()).containsExactly(Map.entry("specialist-fx", 1.5));

        now.set(now.get().plusSeconds(1));
        assertThat(sampler.sample().calls().get("fx.rate").perSecond()).isZero();
        assertThat(sampler.since(now.get().minusSeconds(2).toEpochMilli())).hasSize(2);
    }

    @Test
    void theRingKeepsTenMinutes() {
        for (int i = 0; i < ChartSampler.KEPT + 5; i++) {
            now.set(now.get().plusSeconds(1));
            sampler.sample();
        }
        assertThat(sampler.since(0)).hasSize(ChartSampler.KEPT);
    }
}
