package io.pilot.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pilot.spring.runtime.Runtimes;

import org.junit.jupiter.api.Test;

class PilotMeterBinderTests {

    @Test
    void beforeTheNodeStartsGaugesAreNaNAndCountersZero() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new PilotMeterBinder(Runtimes.notStarted()).bindTo(meters);
        assertThat(meters.get("pilot.sessions").gauge().value()).isNaN();
        assertThat(meters.get("pilot.peer.bytes").gauges()).extracting(Gauge::value).allMatch(v -> Double.isNaN(v));
        assertThat(meters.get("pilot.handshakes").functionCounter().count()).isZero();
        assertThat(meters.get("pilot.drops").functionCounters()).extracting(FunctionCounter::count).containsOnly(0.0);
    }
}
