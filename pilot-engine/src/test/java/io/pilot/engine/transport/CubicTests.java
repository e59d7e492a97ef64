package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CubicTests {

    private static final int MSS = 1200;
    private static final long MS = 1_000_000L;

    private final RttEstimator rtt = new RttEstimator(333 * MS, 0, 0);
    private long now = 1_000 * MS;

    private Cubic cubic() {
        return new Cubic(MSS, 10, 2, rtt);
    }

    /** One window's worth of full packets, sent one RTT ago, acknowledged now; then the clock moves one RTT on. */
    private void ackOneWindow(Cubic cc, long rttNanos) {
        long packets = cc.window() / MSS;
        for (long i = 0; i < packets; i++) {
            cc.onPacketAcked(Packets.sent(now - rttNanos, MSS), now, false);
        }
        now += rttNanos;
    }

    private double segments(Cubic cc) {
        return (double) cc.window() / MSS;
    }

    @Test
    void slowStartGrowsByAckedBytesUntilTheFirstLoss() {
        Cubic cc = cubic();
        rtt.onSample(10 * MS, 0);
        ackOneWindow(cc, 10 * MS);
        assertThat(cc.window()).isEqualTo(20 * MSS);
        ackOneWindow(cc, 10 * MS);
        assertThat(cc.window()).isEqualTo(40 * MSS);
    }

    @Test
    void lossKeepsSevenTenthsOncePerRecoveryPeriod() {
        Cubic cc = cubic();
        rtt.onSample(10 * MS, 0);
        ackOneWindow(cc, 10 * MS);
        ackOneWindow(cc, 10 * MS);
        cc.onCongestionEvent(now - 5 * MS, now);
        assertThat(cc.window()).isEqualTo(28 * MSS);
        assertThat(cc.slowStartThreshold()).isEqualTo(28 * MSS);
        assertThat(cc.maxWindow()).isEqualTo(40 * MSS);
        // Losses and ACKs of packets sent before the reduction belong to the same episode.
        cc.onCongestionEvent(now - 1, now + 1);
        cc.onPacketAcked(Packets.sent(now - 1, MSS), now + 2, false);
        assertThat(cc.window()).isEqualTo(28 * MSS);
        // A loss of a packet sent after the reduction is a new episode.
        cc.onCongestionEvent(now + 10, now + 20);
        assertThat(cc.window()).isEqualTo((long) (28 * MSS * Cubic.BETA));
    }

    @Test
    void fastConvergenceReleasesShareWhenLossComesBelowTheLastMaximum() {
        Cubic cc = cubic();
        rtt.onSample(10 * MS, 0);
        ackOneWindow(cc, 10 * MS);
        ackOneWindow(cc, 10 * MS); // 40 segments
        cc.onCongestionEvent(now - 5 * MS, now); // W_max 40, window 28
        now += 20 * MS;
        cc.onCongestionEvent(now - 5 * MS, now); // at 28 < 40: W_max = 28 * (1 + 0.7) / 2
        assertThat(cc.maxWindow()).isEqualTo((long) (28 * MSS * (1 + Cubic.BETA) / 2));
    }

    @Test
    void regrowsAlongTheCubicFunctionBackToTheLastMaximumAtK() {
        Cubic cc = cubic();
        long rttNanos = 100 * MS;
        rtt.onSample(rttNanos, 0);
        while (cc.window() < 100 * MSS) {
            ackOneWindow(cc, rttNanos);
        }
        double maxSegments = segments(cc);
        cc.onCongestionEvent(now - rttNanos / 2, now);
        now += rttNanos;
        double k = Math.cbrt(maxSegments * (1 - Cubic.BETA) / Cubic.C);
        long rounds = Math.round(k * 1e9 / rttNanos);
        double[] trace = new double[(int) rounds + 1];
        for (int i = 0; i <= rounds; i++) {
            trace[i] = segments(cc);
            ackOneWindow(cc, rttNanos);
        }
        // Concave: the first second regains more than the last second before K.
        int perSecond = (int) (1e9 / rttNanos);
        assertThat(trace[perSecond] - trace[0]).isGreaterThan(trace[(int) rounds] - trace[(int) rounds - perSecond]);
        // Back to W_max (a round's lag, the cubic target is one RTT ahead) at about K seconds, not beyond it.
        assertThat(trace[(int) rounds]).isCloseTo(maxSegments, within(maxSegments * 0.05));
        // Still far below what slow start would reach: well under twice W_max a few RTTs later.
        for (int i = 0; i < 5; i++) {
            ackOneWindow(cc, rttNanos);
        }
        assertThat(segments(cc)).isLessThan(maxSegments * 1.1);
    }

    @Test
    void onAShortRttFollowsTheRenoFriendlyEstimate() {
        Cubic cc = cubic();
        long rttNanos = MS;
        rtt.onSample(rttNanos, 0);
        while (cc.window() < 100 * MSS) {
            ackOneWindow(cc, rttNanos);
        }
        double maxSegments = segments(cc);
        cc.onCongestionEvent(now - rttNanos / 2, now);
        now += rttNanos;
        for (int i = 0; i < 100; i++) {
            ackOneWindow(cc, rttNanos);
        }
        // 100 ms after the loss the cubic function is still near 0.7 W_max; Reno's estimate has passed W_max
        // (α = 0.53 segments per RTT up to W_max, then 1): (W_max - 0.7 W_max) / 0.53 rounds, the rest at 1.
        double cubicNow = Cubic.C * Math.pow(0.1 - Math.cbrt(maxSegments * 0.3 / Cubic.C), 3) + maxSegments;
        assertThat(cubicNow).isLessThan(maxSegments * 0.75);
        double renoRounds = maxSegments * 0.3 / Cubic.ALPHA;
        assertThat(segments(cc)).isCloseTo(maxSegments + (100 - renoRounds), within(3.0));
    }

    @Test
    void applicationLimitedAcksDoNotGrowTheWindow() {
        Cubic cc = cubic();
        cc.onPacketAcked(Packets.sent(now - MS, MSS), now, true);
        assertThat(cc.window()).isEqualTo(10 * MSS);
    }

    @Test
    void persistentCongestionCollapsesToTheMinimumAndSlowStartsBackToTheThreshold() {
        Cubic cc = cubic();
        rtt.onSample(10 * MS, 0);
        ackOneWindow(cc, 10 * MS);
        cc.onCongestionEvent(now - 5 * MS, now); // 20 -> 14 segments
        cc.onPersistentCongestion();
        assertThat(cc.window()).isEqualTo(2 * MSS);
        now += 20 * MS;
        ackOneWindow(cc, 10 * MS);
        assertThat(cc.window()).isEqualTo(4 * MSS);
    }

    @Test
    void segmentsAreThePathsDatagramsOnceItCarriesLargerOnes() {
        int large = 16 * MSS;
        Cubic cc = cubic();
        long rttNanos = MS;
        rtt.onSample(rttNanos, 0);
        while (cc.window() < 100 * MSS) {
            ackOneWindow(cc, rttNanos);
        }
        long maxBytes = cc.window();
        cc.onCongestionEvent(now - rttNanos / 2, now);
        now += rttNanos;
        cc.onDatagramSizeChanged(large);
        assertThat(cc.maxWindow()).as("W_max keeps its bytes").isCloseTo(maxBytes, within((long) large));
        long before = cc.window();
        long packets = before / large;
        for (long i = 0; i < packets; i++) {
            cc.onPacketAcked(Packets.sent(now - rttNanos / 2, large), now, false); // sent after the reduction
        }
        // One window later the Reno-friendly estimate has grown by α datagrams of the new size, not of 1,200 bytes.
        assertThat(cc.window() - before).isCloseTo((long) (Cubic.ALPHA * large), within((long) (0.1 * large)));
        cc.onPersistentCongestion();
        assertThat(cc.window()).isEqualTo(2L * large);
    }
}
