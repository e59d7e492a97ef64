package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Congestion control and pacing observed on the virtual clock. */
class CongestionTests {

    private static final long SECOND = 1_000_000_000L;
    private static final int MSS = TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD;

    @Test
    void newRenoWindowGrowsInSlowStartAndIsReducedOncePerLossEpisode() {
        Simulator sim = new Simulator(9);
        sim.linkBoth(l -> l.delayNanos = 20_000_000);
        // Five consecutive packets lost in one burst = one loss episode.
        sim.aToB.dropFilter = n -> n >= 60 && n < 65;
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        sim.connect(TransportConfig.builder().congestionControl(CongestionControl.NEWRENO).build(), ra, rb);
        List<Long> windows = new ArrayList<>();
        sim.observers.add(p -> {
            if (p.fromA()) {
                windows.add(sim.a.stats().congestionWindow());
            }
        });
        Recorder.writePattern(sim.a.openStream(1), 4L << 20);
        sim.runUntil(() -> rb.finishes == 1, 60 * SECOND, 1_000_000);

        assertThat(rb.errors).isEmpty();
        assertThat(windows.get(0)).isEqualTo(10L * MSS);
        int decreases = 0;
        long before = 0;
        long after = 0;
        for (int i = 1; i < windows.size(); i++) {
            if (windows.get(i) < windows.get(i - 1)) {
                decreases++;
                before = windows.get(i - 1);
                after = windows.get(i);
            }
        }
        assertThat(decreases).isEqualTo(1);
        assertThat(before).isGreaterThan(20L * MSS); // slow start more than doubled the initial window
        assertThat((double) after / before).isBetween(0.45, 0.55);
        assertThat(sim.a.stats().lostPackets()).isEqualTo(5);
    }

    @Test
    void pacingSpreadsTheInitialWindow() {
        Map<Boolean, Integer> largestBurst = new HashMap<>();
        Map<Boolean, Long> spread = new HashMap<>();
        for (boolean pacing : new boolean[] {true, false}) {
            Simulator sim = new Simulator(1);
            sim.linkBoth(l -> l.delayNanos = 50_000_000);
            TransportConfig config = TransportConfig.builder().initialWindowPackets(50).pacing(pacing)
                    .congestionControl(CongestionControl.NEWRENO).build();
            Recorder rb = new Recorder();
            sim.connect(config, new Recorder(), rb);
            List<Long> sendTimes = new ArrayList<>();
            sim.observers.add(p -> {
                if (p.fromA()) {
                    sendTimes.add(p.timeNanos());
                }
            });
            Recorder.writePattern(sim.a.openStream(1), 2L << 20);
            sim.runUntil(() -> rb.finishes == 1, 60 * SECOND, 1_000_000);
            int burst = 1;
            int run = 1;
            for (int i = 1; i < sendTimes.size(); i++) {
                run = sendTimes.get(i).equals(sendTimes.get(i - 1)) ? run + 1 : 1;
                burst = Math.max(burst, run);
            }
            largestBurst.put(pacing, burst);
            spread.put(pacing, sendTimes.get(49) - sendTimes.get(0));
        }
        assertThat(largestBurst.get(false)).isGreaterThanOrEqualTo(50);
        assertThat(largestBurst.get(true)).isLessThanOrEqualTo(10);
        // Before the first RTT sample the rate is 1.25 * 50 packets / 333 ms (initial RTT), so the 40 packets after
        // the burst would take ~213 ms; the first sample (100 ms RTT) speeds up the rest. Either way: over an RTT.
        assertThat(spread.get(true)).isGreaterThan(100_000_000L);
        assertThat(spread.get(false)).isZero();
    }
}
