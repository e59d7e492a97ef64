package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * {@link BelowFloorPacing} driven packet by packet around a NewReno whose window starts at its floor, on a path of
 * 1 ms round trip: a minimum window (2 x 1,200 bytes) per round trip is 2.4 MB/s, and the flows here are delivered
 * 0.4 MB/s, a policer's rate, so the window cannot be what paces them.
 */
class BelowFloorPacingTests {

    private static final int MSS = 1_200;
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    /** One packet every 2 ms, every third lost: 0.4 MB/s delivered, a third lost, as a flow overrunning a policer. */
    private static final long GAP = 2 * MS;

    private final RttEstimator rtt = new RttEstimator(MS, 0, 0);
    private final NewReno controller = new NewReno(MSS, 2, 2);
    private final BelowFloorPacing pacing = new BelowFloorPacing(controller, MSS, rtt, true);
    private long now = SECOND;
    private long sent;

    BelowFloorPacingTests() {
        rtt.onSample(MS, 0);
    }

    @Test
    void aFlowLosingAThirdBelowItsFloorIsTriedAtHalfItsDeliveryRateAndCappedWhenItsLossStops() {
        overrunUntilTried();
        assertThat(pacing.capped()).isTrue();
        // Half of what the path delivered: two packets of 1,200 bytes every 6 ms.
        assertThat(rate()).isCloseTo(0.2e6, within(0.02e6));
        assertThat(pacing.caps()).isZero();

        for (int i = 0; i < BelowFloorPacing.AVERAGE_PACKETS; i++) {
            packet(false);
        }
        assertThat(pacing.caps()).isEqualTo(1);
        assertThat(pacing.capped()).isTrue();
        // The controller saw those ACKs as application-limited: its window did not grow on them.
        assertThat(controller.window()).isEqualTo(controller.minimumWindow());
    }

    @Test
    void aCapIsCutAtEachLossEpisodeGrowsByItselfPerSecondAndLiftsAtTheControllersRate() {
        capAfterATrial();
        double before = rate();
        packet(true);
        assertThat(rate()).isCloseTo(before * BelowFloorPacing.BETA, within(before * 0.01));

        double cut = rate();
        long start = now;
        while (now - start < SECOND) {
            packet(false);
        }
        // Compounded per ACK, one second grows it by about e (more than twice, less than three times).
        assertThat(rate() / cut).isBetween(2.0, 3.0);
        assertThat(controller.window()).isEqualTo(controller.minimumWindow());

        int packets = 0;
        while (pacing.capped() && packets++ < 100_000) {
            packet(false);
        }
        assertThat(pacing.capped()).isFalse();
        assertThat(rate()).isEqualTo(controller.pacingRate(rtt.smoothed()) * 1e9);
    }

    @Test
    void lossThatStaysWhenTheFlowSlowsDownIsNotItsDoingAndQuietsTrialsForLongerEachTime() {
        overrunUntilTried();
        // The trial's own packets lose a third too: random loss, or another flow overrunning the bucket.
        overrun(BelowFloorPacing.AVERAGE_PACKETS + 3);
        assertThat(pacing.caps()).isZero();
        assertThat(pacing.capped()).isFalse();
        assertThat(rate()).isEqualTo(controller.pacingRate(rtt.smoothed()) * 1e9);

        overrunFor(BelowFloorPacing.FIRST_QUIET_SECONDS * SECOND - 2 * SECOND);
        assertThat(pacing.trials()).as("quiet for %d s", BelowFloorPacing.FIRST_QUIET_SECONDS).isEqualTo(1);
        overrunFor(3 * SECOND);
        assertThat(pacing.trials()).isEqualTo(2);
        overrun(BelowFloorPacing.AVERAGE_PACKETS + 3);
        assertThat(pacing.capped()).isFalse();

        overrunFor(2 * BelowFloorPacing.FIRST_QUIET_SECONDS * SECOND - 2 * SECOND);
        assertThat(pacing.trials()).as("quiet twice as long after a second failed trial").isEqualTo(2);
        overrunFor(3 * SECOND);
        assertThat(pacing.trials()).isEqualTo(3);
    }

    @Test
    void aTrialWhoseLossFallsButNotToAThirdTriesHalfItsRateBeforeItGivesUp() {
        overrunUntilTried();
        double tried = rate();
        // The trial's packets lose a sixth, half of the third that started it: the loss answers the slower rate, not
        // enough (another flow at its floor shares the bucket). The trial goes on at half its rate.
        lose(1, 6, BelowFloorPacing.AVERAGE_PACKETS + 1);
        assertThat(pacing.capped()).isTrue();
        assertThat(pacing.caps()).isZero();
        assertThat(rate()).isCloseTo(tried / 2, within(tried * 0.01));

        capTheTrial();
        assertThat(pacing.caps()).isEqualTo(1);
        assertThat(rate()).isCloseTo(tried / 2, within(tried * 0.05));
    }

    @Test
    void aTrialHalvesItsRateOnlyWhileItsLossKeepsFallingAndAtMostTwice() {
        overrunUntilTried();
        double tried = rate();
        lose(1, 5, BelowFloorPacing.AVERAGE_PACKETS + 1); // a fifth of a third: fell, not to a third
        assertThat(rate()).isCloseTo(tried / 2, within(tried * 0.01));
        lose(1, 7, BelowFloorPacing.AVERAGE_PACKETS + 1); // fell again from the fifth
        assertThat(rate()).isCloseTo(tried / 4, within(tried * 0.01));
        lose(1, 7, BelowFloorPacing.AVERAGE_PACKETS + 1); // still above a third of where the trial started
        assertThat(pacing.capped()).as("no third halving").isFalse();
        assertThat(pacing.caps()).isZero();
        assertThat(rate()).isEqualTo(controller.pacingRate(rtt.smoothed()) * 1e9);
    }

    @Test
    void lossThatFellOnceOnlyByChanceEndsTheTrialAtTheNextStep() {
        // Random loss: a trial starts at a chance high, so its first step may see less; the next sees as much again.
        overrunUntilTried();
        lose(1, 6, BelowFloorPacing.AVERAGE_PACKETS + 1);
        assertThat(pacing.capped()).isTrue();
        lose(1, 6, BelowFloorPacing.AVERAGE_PACKETS + 1);
        assertThat(pacing.capped()).isFalse();
        assertThat(pacing.caps()).isZero();
    }

    @Test
    void aTrialTheApplicationLeavesUnfinishedIsVoidNotACapAndAsksForNoQuiet() {
        overrunUntilTried();
        for (int i = 0; i < BelowFloorPacing.AVERAGE_PACKETS / 2; i++) {
            packet(false);
        }
        // The application goes quiet for a minute, then sends again: half a trial's outcomes are a minute old.
        now += 60 * SECOND;
        packet(false);

        assertThat(pacing.voidTrials()).isEqualTo(1);
        assertThat(pacing.capped()).isFalse();
        assertThat(pacing.caps()).isZero();
        assertThat(rate()).isEqualTo(controller.pacingRate(rtt.smoothed()) * 1e9);
        // The policer is still there: fresh loss makes a new trial at once, with no quiet to wait out.
        overrun(3 * BelowFloorPacing.AVERAGE_PACKETS);
        assertThat(pacing.trials()).isEqualTo(2);
    }

    @Test
    void aTrialWithItsPacketsOnTimeIsNeverVoid() {
        overrunUntilTried();
        overrun(BelowFloorPacing.AVERAGE_PACKETS + 3);
        overrunFor(30 * SECOND);
        assertThat(pacing.trials()).isGreaterThan(1);
        assertThat(pacing.voidTrials()).isZero();
    }

    @Test
    void aCappedFlowThatGoesOnLosingAsMuchGivesUpTheCapAndIsQuiet() {
        capAfterATrial();
        // Another flow that does not yield overruns the bucket: a third lost however slowly this one sends. The cap
        // gives up once that has lasted a second.
        long start = now;
        while (pacing.capped() && now - start < 5 * SECOND) {
            overrun(1);
        }
        assertThat(pacing.capped()).isFalse();
        assertThat(now - start).isBetween(BelowFloorPacing.HOPELESS_NANOS, BelowFloorPacing.HOPELESS_NANOS + 100 * MS);
        assertThat(rate()).isEqualTo(controller.pacingRate(rtt.smoothed()) * 1e9);
        overrunFor(BelowFloorPacing.FIRST_QUIET_SECONDS * SECOND - 2 * SECOND);
        assertThat(pacing.trials()).isEqualTo(1);
    }

    @Test
    void aCapCutFarBelowItsTrialsRateGivesUp() {
        overrunUntilTried();
        double trialRate = rate();
        capTheTrial();
        // Loss that goes on however far the cap is cut (one packet in twenty: random loss a trial happened to miss)
        // is not a policer's: a policer stops dropping once the sender is below its rate.
        long start = now;
        long collapsedAt = 0;
        while (pacing.capped() && now - start < 10 * SECOND) {
            for (int i = 0; i < 19; i++) {
                packet(false);
            }
            packet(true);
            if (collapsedAt == 0 && rate() < trialRate * BelowFloorPacing.COLLAPSE_PART) {
                collapsedAt = now;
            }
        }
        assertThat(pacing.capped()).isFalse();
        // Cut below an eighth within a dozen losses, then given up after a second of losses that keep it there.
        assertThat(collapsedAt - start).isPositive().isLessThan(12 * 20 * GAP);
        assertThat(now - collapsedAt).isBetween(BelowFloorPacing.HOPELESS_NANOS, BelowFloorPacing.HOPELESS_NANOS + 20 * GAP);
        overrunFor(BelowFloorPacing.FIRST_QUIET_SECONDS * SECOND - 2 * SECOND);
        assertThat(pacing.trials()).isEqualTo(1);
    }

    @Test
    void aBurstOfLossOverInMillisecondsLeavesTheCapInPlace() {
        capAfterATrial();
        double capped = rate();
        // Another flow empties the bucket at once (TCP leaving a retransmission timeout in slow start): twenty of
        // this flow's packets in a row are lost, each its own loss episode, which squeezes and collapses the cap.
        for (int burst = 0; burst < 3; burst++) {
            for (int i = 0; i < 20; i++) {
                packet(true);
            }
            assertThat(pacing.capped()).as("after burst %d", burst).isTrue();
            assertThat(rate()).isLessThan(capped * BelowFloorPacing.COLLAPSE_PART);
            // The bursts come further apart than a second: each starts a new run of hopeless episodes.
            double collapsed = rate();
            long start = now;
            while (now - start < BelowFloorPacing.HOPELESS_NANOS + 100 * MS) {
                packet(false);
            }
            assertThat(rate()).as("grown back after burst %d", burst).isGreaterThan(2 * collapsed);
        }
        assertThat(pacing.capped()).isTrue();
        assertThat(pacing.trials()).isEqualTo(1);
    }

    @Test
    void aFlowWhoseWindowPacesItIsNeverTriedHoweverMuchItLoses() {
        // A packet every 0.4 ms, a third lost: 2 MB/s delivered, more than half the floor's 2.4 MB/s, so the window
        // is what paces this flow and its loss is random loss to live with, not an overrun policer.
        for (int i = 0; i < 300; i++) {
            packet(i % 3 == 2, 400_000);
        }
        assertThat(pacing.trials()).isZero();
        assertThat(pacing.capped()).isFalse();
    }

    @Test
    void aFlowTheApplicationHoldsBelowItsFloorIsNeverTried() {
        // The same loss and delivery as a policed flow's, but the application had nothing more to send each time:
        // a connection carrying a few requests a second, on a lossy path.
        for (int i = 0; i < 300; i++) {
            pacing.onApplicationLimited(0);
            packet(i % 3 == 2);
        }
        assertThat(pacing.trials()).isZero();
    }

    @Test
    void anInactiveOneOnlyPassesThrough() {
        // As a connection without pacing, or around the BBR-style controller, builds it.
        BelowFloorPacing inactive = new BelowFloorPacing(controller, MSS, rtt, false);
        for (int i = 0; i < 300; i++) {
            packet(inactive, i % 3 == 2, GAP);
        }
        assertThat(inactive.trials()).isZero();
        assertThat(inactive.pacingRate(rtt.smoothed())).isEqualTo(controller.pacingRate(rtt.smoothed()));
    }

    @Test
    void aWindowAboveItsFloorIsLeftToItsController() {
        // A controller that holds its window at five packets whatever is lost: the window still has room to shrink.
        CongestionController wide = new CongestionController() {
            @Override
            public long window() {
                return 5 * MSS;
            }

            @Override
            public long minimumWindow() {
                return 2 * MSS;
            }

            @Override
            public void onDatagramSizeChanged(int maxDatagramSize) {
            }

            @Override
            public void onPacketAcked(SentPacket packet, long nowNanos, boolean appLimited) {
            }

            @Override
            public void onCongestionEvent(long sentTimeNanos, long nowNanos) {
            }

            @Override
            public void onPersistentCongestion() {
            }
        };
        BelowFloorPacing wrapped = new BelowFloorPacing(wide, MSS, rtt, true);
        for (int i = 0; i < 300; i++) {
            packet(wrapped, i % 3 == 2, GAP);
        }
        assertThat(wrapped.trials()).isZero();
    }

    /**
     * The NAT lab's case on the virtual clock, deeper: a policer of 200 kB/s (16 kB of bucket) on a path of 2 ms round
     * trip, where the minimum window per round trip is 1.2 MB/s. Uncapped, the flow would overrun the bucket by half
     * again its rate and lose a third of its packets; capped, it loses few and still gets most of the rate.
     */
    @Test
    void throughAPolicerFarBelowItsFloorAFlowStopsOverrunningIt() {
        SharedBottleneck path = new SharedBottleneck(20_000_000, 20 * MS, MS, 5).policedBy(200_000, 16_000);
        SharedBottleneck.Flow flow = path.addFlow(TransportConfig.defaults(), 64L << 20);
        path.runFor(10 * SECOND);
        ConnectionStats before = flow.sender.stats();
        long receivedBefore = flow.received.bytes;
        path.runFor(10 * SECOND);
        ConnectionStats after = flow.sender.stats();
        long sentPackets = after.packetsSent() - before.packetsSent();
        long lostPackets = after.lostPackets() - before.lostPackets();
        long received = flow.received.bytes - receivedBefore;
        System.out.printf("policed far below the floor: %d trials, %d caps; %d of %d packets lost, %d bytes in 10 s%n",
                after.belowFloorTrials(), after.belowFloorCaps(), lostPackets, sentPackets, received);
        assertThat(flow.received.errors).isEmpty();
        assertThat(after.belowFloorCaps()).isPositive();
        assertThat((double) lostPackets / sentPackets).isLessThan(0.1);
        assertThat(received).isGreaterThan(10 * 200_000L / 2);
    }

    /** Packets, every third lost, until a trial starts; at least enough for the loss average and a delivery rate. */
    private void overrunUntilTried() {
        while (pacing.trials() == 0 && sent < 1_000) {
            packet(sent % 3 == 2);
        }
        assertThat(sent).as("packets before the first trial").isBetween(49L, 100L);
        assertThat(pacing.trials()).isEqualTo(1);
    }

    /** A trial, then a clean average's worth of packets, which caps the flow. */
    private void capAfterATrial() {
        overrunUntilTried();
        capTheTrial();
    }

    /** A trial under way ends clean: {@link BelowFloorPacing#AVERAGE_PACKETS} packets, none lost, cap it. */
    private void capTheTrial() {
        for (int i = 0; i < BelowFloorPacing.AVERAGE_PACKETS; i++) {
            packet(false);
        }
        assertThat(pacing.caps()).isEqualTo(1);
    }

    /** {@code count} packets, every third lost. */
    private void overrun(int count) {
        for (int i = 0; i < count; i++) {
            packet(sent % 3 == 2);
        }
    }

    /** {@code count} packets {@link #GAP} apart, the first {@code lost} of every {@code of} lost. */
    private void lose(int lost, int of, int count) {
        for (int i = 0; i < count; i++) {
            packet(i % of < lost);
        }
    }

    private void overrunFor(long nanos) {
        long end = now + nanos;
        while (now < end) {
            packet(sent % 3 == 2);
        }
    }

    private void packet(boolean lost) {
        packet(lost, GAP);
    }

    private void packet(boolean lost, long gap) {
        packet(pacing, lost, gap);
    }

    /**
     * Sends a packet through {@code target} now; a round trip later it is acknowledged or declared lost; the next
     * leaves {@code gap} later.
     */
    private void packet(BelowFloorPacing target, boolean lost, long gap) {
        SentPacket p = Packets.sent(now, MSS);
        sent++;
        target.onPacketSent(p, MSS, now);
        long outcome = now + MS;
        if (lost) {
            target.onPacketLost(p);
            target.onCongestionEvent(p.sentNanos, outcome);
        } else {
            target.onPacketAcked(p, outcome, false);
            target.onAckProcessed(outcome, 0);
        }
        now += gap;
    }

    /** The pacing rate in bytes per second. */
    private double rate() {
        return pacing.pacingRate(rtt.smoothed()) * 1e9;
    }
}
