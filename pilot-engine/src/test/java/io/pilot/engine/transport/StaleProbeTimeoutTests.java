package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * With a stale probe timeout set (200 ms here; off by default), a connection that was quiet for seconds probes its
 * next request no sooner than that:
 * its round-trip estimate is from when the peer answered at once. On the simulated network: 1 ms each way while the
 * estimate is made, then the peer falls behind and its answers take 400 ms to come back, as a backbone's do when its
 * socket queue holds the datagrams of tens of thousands of clients.
 */
class StaleProbeTimeoutTests {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final long SLOW_PEER = 400 * MS;

    private final Simulator sim = new Simulator(11);
    private final Recorder ra = new Recorder();
    private final Recorder rb = new Recorder();
    private final List<Simulator.Sent> fromA = new ArrayList<>();

    StaleProbeTimeoutTests() {
        sim.linkBoth(l -> l.delayNanos = MS);
        sim.observers.add(p -> {
            if (p.fromA()) {
                fromA.add(p);
            }
        });
    }

    @Test
    void aRequestAfterAQuietSpellIsProbedOnceAgainstAPeerThatFellBehind() {
        sim.connect(config(Duration.ofMillis(200)), ra, rb);
        warmUp();
        sim.runFor(5 * SECOND); // quiet: no request, no sample (the keepalive comes after 15 s)

        long probes = requestWhileThePeerIsSlow();

        assertThat(probes).as("one probe round, at 200 ms, before the answer at 401 ms").isEqualTo(1);
    }

    @Test
    void withoutTheFloorTheIdleEstimateProbesItOverAndOver() {
        sim.connect(config(Duration.ZERO), ra, rb);
        warmUp();
        sim.runFor(5 * SECOND);

        long probes = requestWhileThePeerIsSlow();

        // PTO of about 13 ms (2 ms srtt, 1 ms, the peer's 10 ms max_ack_delay), doubling: 13, 39, 91, 195 ms...
        assertThat(probes).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aFreshEstimateStillProbesAtOnce() {
        sim.connect(config(Duration.ofMillis(200)), ra, rb);
        warmUp(); // the last sample is milliseconds old

        long firstProbe = firstProbeAfterARequestWhileThePeerIsSlow();

        assertThat(firstProbe).as("the estimate's own PTO, not the stale floor").isLessThan(50 * MS);
    }

    private static TransportConfig config(Duration staleProbeTimeout) {
        return TransportConfig.builder().pathMtuDiscovery(false).staleProbeTimeout(staleProbeTimeout).build();
    }

    /** Short requests answered at once, past the peer's first packets (which it acknowledges at once anyway). */
    private void warmUp() {
        for (int i = 0; i < 6; i++) {
            Recorder.writePattern(sim.a.openStream(80), 100);
            int finished = rb.finishes + 1;
            sim.runUntil(() -> rb.finishes == finished, 10 * SECOND, 100_000);
        }
    }

    /** Probe rounds A's request meets before the slow peer's acknowledgement comes back. */
    private long requestWhileThePeerIsSlow() {
        long before = sim.a.stats().probeTimeouts();
        sim.bToA.delayNanos = SLOW_PEER;
        Recorder.writePattern(sim.a.openStream(80), 100);
        sim.runFor(SLOW_PEER + 10 * MS);
        return sim.a.stats().probeTimeouts() - before;
    }

    /** How long after the request A's first probe left. */
    private long firstProbeAfterARequestWhileThePeerIsSlow() {
        long before = sim.a.stats().probeTimeouts();
        sim.bToA.delayNanos = SLOW_PEER;
        int sent = fromA.size();
        Recorder.writePattern(sim.a.openStream(80), 100);
        long end = sim.now + SLOW_PEER;
        while (sim.now < end && sim.a.stats().probeTimeouts() == before) {
            sim.runFor(MS);
        }
        assertThat(sim.a.stats().probeTimeouts()).isGreaterThan(before);
        return fromA.get(fromA.size() - 1).timeNanos() - fromA.get(sent).timeNanos();
    }
}
