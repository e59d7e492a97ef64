package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * With a stale probe timeout set (200 ms here, the default), a connection that was quiet for seconds probes its
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

    @Test
    void theFloorIsOnByDefaultAt200Milliseconds() {
        assertThat(TransportConfig.defaults().staleProbeTimeoutNanos()).isEqualTo(200 * MS);
    }

    @Test
    void aRunOfProbesThatBeganOnAFreshEstimateKeepsDoublingOnceItsProbesGoStale() {
        sim.connect(config(Duration.ofMillis(200)), ra, rb);
        warmUp(); // the request below goes out milliseconds after the last sample
        sim.aToB.loss = 1.0; // and nothing from A arrives any more: every probe goes unanswered

        Recorder.writePattern(sim.a.openStream(80), 100);
        List<Long> probes = probeTimes(8 * SECOND);

        // About 6, 12, 24... ms apart, doubling through the second mark and on (the connection's next deadline, the
        // next probe or its unresponsive timeout, counts as one more). Decided again per probe, the floor came on for
        // the probes sent a second after the last sample and was multiplied by the backoff reached: after probes 0.8
        // and 1.5 s in, the next was put off by 200 ms << 8, past the unresponsive timeout.
        probes.add(sim.a.nextDeadlineNanos());
        assertThat(probes).as("probe timeouts within 8 s").hasSizeGreaterThanOrEqualTo(10);
        for (int i = 2; i < probes.size(); i++) {
            long gap = probes.get(i) - probes.get(i - 1);
            long before = probes.get(i - 1) - probes.get(i - 2);
            assertThat(gap).as("gap %d after one of %d ms", i, before / MS).isLessThanOrEqualTo(2 * before + 2 * MS);
        }
    }

    /** When A's probe timeouts fired within {@code nanos} from now, stepping a millisecond at a time. */
    private List<Long> probeTimes(long nanos) {
        List<Long> times = new ArrayList<>();
        long seen = sim.a.stats().probeTimeouts();
        long end = sim.now + nanos;
        while (sim.now < end) {
            sim.runFor(MS);
            if (sim.a.stats().probeTimeouts() > seen) {
                seen = sim.a.stats().probeTimeouts();
                times.add(sim.now);
            }
        }
        return times;
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
