package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BbrTests {

    private static final int MSS = ModelPath.MSS;
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    /** 10 MB/s. */
    private static final double RATE = 0.01;
    private static final long RTT = 20 * MS;
    private static final long BDP = (long) (RATE * RTT);

    private static Bbr bbr(long seed) {
        return new Bbr(MSS, 10, 2, new Random(seed));
    }

    @Test
    void startupFindsTheBottleneckThenSettlesToTwoBdpsInFlightWithAShortQueue() {
        Bbr cc = bbr(1);
        ModelPath path = new ModelPath(cc, RTT, RATE, 1);
        path.run(2 * SECOND);
        assertThat(cc.mode()).isEqualTo(Bbr.Mode.PROBE_BW);
        assertThat(cc.bandwidth()).isCloseTo(RATE, within(RATE * 0.05));
        assertThat(cc.minRtt()).isBetween(RTT, RTT + 2 * MS);
        assertThat(cc.window()).isBetween(2 * BDP, 2 * BDP + 8L * MSS);
        long delivered = path.deliveredBytes;
        path.resetQueueMax();
        path.run(2 * SECOND);
        // Full rate, and only probing queues anything: a quarter BDP for a round, drained the next.
        assertThat((double) (path.deliveredBytes - delivered) / (2 * SECOND)).isCloseTo(RATE, within(RATE * 0.03));
        assertThat(path.maxQueueNanos).isLessThan(RTT / 2);
    }

    @Test
    void pacesAtTheBandwidthTimesTheGainOfEachProbingPhase() {
        Bbr cc = bbr(2);
        ModelPath path = new ModelPath(cc, RTT, RATE, 2);
        path.run(2 * SECOND);
        Set<Long> gainsSeen = new HashSet<>();
        for (int i = 0; i < 16; i++) {
            path.run(RTT + RTT / 4);
            gainsSeen.add(Math.round(cc.pacingRate(RTT) / cc.bandwidth() * 100));
        }
        assertThat(gainsSeen).containsExactlyInAnyOrder(125L, 75L, 100L);
    }

    @Test
    void randomLossBelowTheThresholdIsNotASignal() {
        Bbr cc = bbr(3);
        ModelPath path = new ModelPath(cc, RTT, RATE, 3);
        path.dropEvery = 100; // 1 % of every round
        path.run(4 * SECOND);
        assertThat(path.lostPackets).isPositive();
        assertThat(cc.inflightHi()).isEqualTo(Long.MAX_VALUE);
        assertThat(cc.inflightLo()).isEqualTo(Long.MAX_VALUE);
        assertThat(cc.bandwidth()).isCloseTo(RATE * 0.99, within(RATE * 0.05));
    }

    @Test
    void lossAboveTheThresholdBoundsWhatIsInFlightButNeverBelowOneBdp() {
        Bbr cc = bbr(4);
        ModelPath path = new ModelPath(cc, RTT, RATE, 4);
        path.lossRate = 0.05;
        path.run(4 * SECOND);
        assertThat(cc.inflightHi()).isLessThan(Long.MAX_VALUE);
        assertThat(cc.window()).isGreaterThanOrEqualTo(cc.bdp());
        // The model keeps what the path delivers: 5 % less than the bottleneck, never spiralling down.
        assertThat(cc.bandwidth()).isGreaterThan(RATE * 0.9);
        long delivered = path.deliveredBytes;
        path.run(2 * SECOND);
        // 5 % of what is sent is lost on the way, the rest arrives at nearly the full rate.
        assertThat((double) (path.deliveredBytes - delivered) / (2 * SECOND)).isGreaterThan(RATE * 0.85);
    }

    @Test
    void samplesWhileTheApplicationLimitsTheRateDoNotLowerTheEstimate() {
        Bbr cc = bbr(5);
        ModelPath path = new ModelPath(cc, RTT, RATE, 5);
        path.run(2 * SECOND);
        double full = cc.bandwidth();
        path.applicationLimited = true;
        path.run(2 * SECOND); // a hundred rounds at one packet per round, ten times the filter's window
        assertThat(cc.bandwidth()).isEqualTo(full);
    }

    @Test
    void probesTheRttAfterTenSecondsWithoutANewMinimumAndReturns() {
        Bbr cc = bbr(6);
        ModelPath path = new ModelPath(cc, RTT, RATE, 6);
        path.run(5 * SECOND);
        // Nudge the minimum up by nothing: the path never gets faster, so the 10 s filter expires.
        boolean sawProbeRtt = false;
        long smallestWindow = Long.MAX_VALUE;
        for (int i = 0; i < 700; i++) {
            path.run(10 * MS);
            if (cc.mode() == Bbr.Mode.PROBE_RTT) {
                sawProbeRtt = true;
                smallestWindow = Math.min(smallestWindow, cc.window());
            }
        }
        assertThat(sawProbeRtt).isTrue();
        assertThat(smallestWindow).isLessThanOrEqualTo(Math.max(4L * MSS, cc.bdp() / 2));
        assertThat(cc.mode()).isEqualTo(Bbr.Mode.PROBE_BW);
        assertThat(cc.window()).isGreaterThanOrEqualTo(2 * BDP);
    }

    @Test
    void persistentCongestionCollapsesTheWindowToFourPackets() {
        Bbr cc = bbr(7);
        ModelPath path = new ModelPath(cc, RTT, RATE, 7);
        path.run(SECOND);
        cc.onPersistentCongestion();
        assertThat(cc.window()).isEqualTo(4L * MSS);
    }

    @Test
    void itsFloorsCountDatagramsOfThePathsSize() {
        int large = 16_000;
        Bbr cc = bbr(8);
        ModelPath path = new ModelPath(cc, RTT, RATE, 8);
        path.run(SECOND);
        cc.onDatagramSizeChanged(large);
        cc.onPersistentCongestion();
        assertThat(cc.window()).isEqualTo(4L * large);
        cc.onDatagramSizeChanged(MSS);
        assertThat(cc.window()).as("a smaller size lowers the floor, not the window").isEqualTo(4L * large);
    }
}
