package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** End-to-end transfers over the simulated network. */
class ConnectionTransferTests {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void smallMessageArrivesIntactWithFin() {
        Simulator sim = new Simulator(1);
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        sim.connect(TransportConfig.defaults(), ra, rb);
        Stream s = sim.a.openStream(7);
        Recorder.writePattern(s, 5000);
        sim.runUntil(() -> rb.finishes == 1, 10 * SECOND, 10_000);

        assertThat(rb.errors).isEmpty();
        assertThat(rb.opened).hasSize(1);
        assertThat(rb.opened.get(0).port()).isEqualTo(7);
        assertThat(rb.opened.get(0).id()).isEqualTo(0);
        assertThat(rb.received.get(0)).isEqualTo(5000L);
        sim.runUntil(() -> sim.a.stats().liveStreams() == 0 && sim.b.stats().liveStreams() == 0, 10 * SECOND,
                10_000);
    }

    @ParameterizedTest(name = "16 MiB, loss {0}, dup {1}, reorder {2} ms, {3}")
    @CsvSource({"0, 0, 0, BBR", "0.01, 0.01, 5, BBR", "0.05, 0.02, 10, BBR", "0.20, 0.05, 10, BBR",
            "0, 0, 0, CUBIC", "0.05, 0.02, 10, CUBIC", "0.20, 0.05, 10, CUBIC",
            "0, 0, 0, NEWRENO", "0.05, 0.02, 10, NEWRENO", "0.20, 0.05, 10, NEWRENO"})
    void bulkTransferIsExactUnderLossDuplicationAndReordering(double loss, double dup, long reorderMs,
            CongestionControl controller) {
        Simulator sim = new Simulator(42);
        sim.linkBoth(l -> {
            l.delayNanos = 20_000_000;
            l.loss = loss;
            l.duplication = dup;
            l.reorderJitterNanos = reorderMs * 1_000_000;
            l.bandwidth = 100_000_000;
        });
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        sim.connect(TransportConfig.builder().congestionControl(controller).build(), ra, rb);
        long total = 16L << 20;
        Stream s = sim.a.openStream(80);
        Recorder.writePattern(s, total);
        sim.runUntil(() -> rb.finishes == 1, 600 * SECOND, 5_000_000);

        assertThat(rb.errors).isEmpty();
        assertThat(rb.received.get(s.id())).isEqualTo(total);
        sim.runUntil(() -> sim.a.stats().liveStreams() == 0, 60 * SECOND, 1_000_000);
        ConnectionStats stats = sim.a.stats();
        // Random loss is not a policer the sender overruns: up to 5 % it is not even tried. At 20 % a trial may pass
        // by chance (two or fewer of its 32 packets lost), and the cap then gives up within a few cuts, so the
        // transfer above still completes; printed, not held.
        System.out.printf("bulk at %s loss, %s: %d trials below the floor, %d caps%n", loss, controller.id(),
                stats.belowFloorTrials(), stats.belowFloorCaps());
        if (loss <= 0.05) {
            assertThat(stats.belowFloorCaps()).isZero();
        }
        if (loss > 0) {
            assertThat(stats.lostPackets()).isPositive();
            assertThat(stats.retransmittedPackets()).isPositive();
        }
        assertThat(sim.a.isClosed()).isFalse();
        assertThat(sim.b.isClosed()).isFalse();
    }

    @Test
    void thousandConcurrentStreamsBothDirectionsWithLoss() {
        Simulator sim = new Simulator(7);
        sim.linkBoth(l -> {
            l.delayNanos = 5_000_000;
            l.loss = 0.03;
            l.reorderJitterNanos = 2_000_000;
        });
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        sim.connect(TransportConfig.defaults(), ra, rb);
        for (int i = 0; i < 500; i++) {
            Recorder.writePattern(sim.a.openStream(1000 + i), 100 + i);
            Recorder.writePattern(sim.b.openStream(2000 + i), 300 + i);
        }
        sim.runUntil(() -> ra.finishes == 500 && rb.finishes == 500, 120 * SECOND, 2_000_000);
        assertThat(ra.errors).isEmpty();
        assertThat(rb.errors).isEmpty();
        for (Stream s : rb.opened) {
            assertThat(rb.received.getOrDefault(s.id(), 0L)).isEqualTo(100L + s.port() - 1000);
        }
        sim.runUntil(() -> sim.a.stats().liveStreams() == 0 && sim.b.stats().liveStreams() == 0, 60 * SECOND,
                1_000_000);
    }

    @Test
    void smallRequestIsNotStarvedByBulkTransfer() {
        Simulator sim = new Simulator(3);
        sim.linkBoth(l -> {
            l.delayNanos = 10_000_000;
            l.bandwidth = 10_000_000;
        });
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        sim.connect(TransportConfig.defaults(), ra, rb);
        Recorder.writePattern(sim.a.openStream(1), 16L << 20);
        sim.runFor(SECOND);
        Stream small = sim.a.openStream(2);
        Recorder.writePattern(small, 100);
        long start = sim.now;
        sim.runUntil(() -> rb.finishedPorts.containsValue(2), 10 * SECOND, 1_000_000);
        // At 10 MB/s the bulk stream alone would need ~1.6 s; round-robin gets the request through in a few RTTs.
        assertThat(sim.now - start).isLessThan(500_000_000L);
        assertThat(rb.errors).isEmpty();
    }

    @Test
    void hundredThousandStreamsLeaveNoState() {
        Simulator sim = new Simulator(11);
        sim.linkBoth(l -> l.delayNanos = 1_000_000);
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        sim.connect(TransportConfig.builder().idleTimeout(Duration.ZERO).build(), ra, rb);
        int total = 100_000;
        int batch = 2_000;
        for (int done = 0; done < total; done += batch) {
            for (int i = 0; i < batch; i++) {
                Recorder.writePattern(sim.a.openStream(9), 10);
            }
            int target = done + batch;
            sim.runUntil(() -> rb.finishes == target, 60 * SECOND, 5_000_000);
        }
        sim.runUntil(() -> sim.a.stats().liveStreams() == 0 && sim.b.stats().liveStreams() == 0, 60 * SECOND,
                1_000_000);
        assertThat(rb.errors).isEmpty();
        assertThat(rb.opened).hasSize(total);
    }
}
