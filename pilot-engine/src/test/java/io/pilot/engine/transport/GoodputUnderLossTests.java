package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 18's goodput targets on the virtual clock, where the path and not the machine's CPU is the bottleneck: 16 MiB
 * over 20 MB/s with 5 ms each way and a 20 ms drop-tail queue, random loss each way. The BBR-style controller keeps
 * at least 0.7 of its lossless goodput at 1 % loss and 0.4 at 5 %; NewReno, halving per loss event, keeps far less
 * (printed, and held below BBR's). Virtual time, deterministic: not a timing assert.
 */
class GoodputUnderLossTests {

    private static final long SECOND = 1_000_000_000L;
    private static final long BYTES = 16L << 20;
    private static final double[] LOSS = {0, 0.01, 0.05};

    /** Bytes per virtual second delivered for each loss rate. */
    private static double[] goodput(CongestionControl controller) {
        double[] rates = new double[LOSS.length];
        for (int i = 0; i < LOSS.length; i++) {
            double loss = LOSS[i];
            Simulator sim = new Simulator(7);
            sim.linkBoth(l -> {
                l.delayNanos = 5_000_000;
                l.bandwidth = 20_000_000;
                l.maxQueueNanos = 20_000_000;
                l.loss = loss;
            });
            Recorder rb = new Recorder();
            sim.connect(TransportConfig.builder().congestionControl(controller).build(), new Recorder(), rb);
            long start = sim.now;
            Recorder.writePattern(sim.a.openStream(1), BYTES);
            sim.runUntil(() -> rb.finishes == 1, 600 * SECOND, 50_000_000);
            assertThat(rb.errors).isEmpty();
            // Random loss on a path the window paces: never mistaken for a policer below the window's floor.
            assertThat(sim.a.stats().belowFloorCaps()).as("capped below the floor at %s loss", loss).isZero();
            System.out.printf("%s at %s loss: %d trials below the floor%n", controller.id(), loss,
                    sim.a.stats().belowFloorTrials());
            rates[i] = BYTES * 1e9 / (sim.now - start);
        }
        return rates;
    }

    @Test
    void bbrKeepsItsGoodputUnderRandomLossWhereNewRenoCollapses() {
        Map<CongestionControl, double[]> byController = new EnumMap<>(CongestionControl.class);
        for (CongestionControl controller : CongestionControl.values()) {
            double[] rates = goodput(controller);
            byController.put(controller, rates);
            System.out.printf("%s: %.1f MB/s lossless, %.2fx at 1%%, %.2fx at 5%%%n", controller.id(), rates[0] / 1e6,
                    rates[1] / rates[0], rates[2] / rates[0]);
        }
        double[] bbr = byController.get(CongestionControl.BBR);
        double[] newReno = byController.get(CongestionControl.NEWRENO);
        assertThat(bbr[1] / bbr[0]).as("bbr at 1%% loss vs lossless").isGreaterThanOrEqualTo(0.7);
        assertThat(bbr[2] / bbr[0]).as("bbr at 5%% loss vs lossless").isGreaterThanOrEqualTo(0.4);
        assertThat(bbr[2]).as("bbr vs newreno at 5%% loss").isGreaterThan(newReno[2]);
        // Lossless, the controllers fill the same path alike.
        assertThat(bbr[0] / newReno[0]).isBetween(0.9, 1.1);
    }
}
