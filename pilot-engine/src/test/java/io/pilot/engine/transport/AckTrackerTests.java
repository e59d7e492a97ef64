package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class AckTrackerTests {

    private static final long MS = 1_000_000L;
    private static final long T0 = 5_000 * MS;

    /** Receives the connection's first {@link AckTracker#IMMEDIATE_ACKS} packets, each acknowledged at once. */
    private static AckTracker pastTheFirstPackets(long maxAckDelay) {
        AckTracker acks = new AckTracker(maxAckDelay, 32);
        for (int pn = 0; pn < AckTracker.IMMEDIATE_ACKS; pn++) {
            acks.onPacketReceived(pn, true, T0);
            assertThat(acks.ackDue(T0)).as("packet %d acknowledged at once", pn).isTrue();
            acks.writeAck(ByteBuffer.allocate(1200), T0);
        }
        return acks;
    }

    @Test
    void theFirstPacketsOfAConnectionAreAcknowledgedAtOnce() {
        // Alone and in order, so later in the connection it would wait for the timer.
        AckTracker acks = new AckTracker(10 * MS, 32);
        assertThat(acks.deadline()).isEqualTo(Long.MAX_VALUE);
        acks.onPacketReceived(0, true, T0);
        assertThat(acks.deadline()).isEqualTo(T0);
        pastTheFirstPackets(10 * MS);
    }

    @Test
    void afterThemALonePacketWaitsForTheTimerArmedAGranularityBeforeMaxAckDelay() {
        AckTracker acks = pastTheFirstPackets(10 * MS);
        acks.onPacketReceived(AckTracker.IMMEDIATE_ACKS, true, T0);
        assertThat(acks.deadline()).isEqualTo(T0 + 9 * MS);
        assertThat(acks.ackDue(T0 + 9 * MS - 1)).isFalse();
        assertThat(acks.ackDue(T0 + 9 * MS)).isTrue();
    }

    @Test
    void aShortMaxAckDelayKeepsHalfOfItForTheTimer() {
        AckTracker acks = pastTheFirstPackets(MS);
        acks.onPacketReceived(AckTracker.IMMEDIATE_ACKS, true, T0);
        assertThat(acks.deadline()).isEqualTo(T0 + MS / 2);
        AckTracker none = pastTheFirstPackets(0);
        none.onPacketReceived(AckTracker.IMMEDIATE_ACKS, true, T0);
        assertThat(none.deadline()).isEqualTo(T0);
    }

    @Test
    void aPacketWithAPingIsAcknowledgedAtOnceEvenAloneAndInOrder() {
        AckTracker acks = pastTheFirstPackets(10 * MS);
        acks.onPacketReceived(AckTracker.IMMEDIATE_ACKS, true, true, T0);
        assertThat(acks.deadline()).isEqualTo(T0);
        acks.writeAck(ByteBuffer.allocate(1200), T0);
        acks.onPacketReceived(AckTracker.IMMEDIATE_ACKS + 1, true, false, T0 + MS);
        assertThat(acks.deadline()).as("the next one without a PING waits again").isEqualTo(T0 + 10 * MS);
    }

    @Test
    void theSecondPacketOrAGapMakesTheAckDueAtOnce() {
        AckTracker second = pastTheFirstPackets(10 * MS);
        second.onPacketReceived(AckTracker.IMMEDIATE_ACKS, true, T0);
        second.onPacketReceived(AckTracker.IMMEDIATE_ACKS + 1, true, T0 + MS);
        assertThat(second.deadline()).isEqualTo(T0 + MS);

        AckTracker gap = pastTheFirstPackets(10 * MS);
        gap.onPacketReceived(AckTracker.IMMEDIATE_ACKS + 1, true, T0);
        assertThat(gap.deadline()).isEqualTo(T0);
    }

    @Test
    void packetsThatDoNotElicitAnAckNeverArmTheTimer() {
        AckTracker acks = new AckTracker(10 * MS, 32);
        for (int pn = 0; pn < 10; pn++) {
            acks.onPacketReceived(pn, false, T0);
        }
        assertThat(acks.deadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(acks.hasUnacknowledged()).isFalse();
    }

    @Test
    void rangesFarBelowTheLargestAreNotReportedAgain() {
        AckTracker acks = new AckTracker(10 * MS, 32);
        for (long pn : new long[] {0, 1, 2, 1500, 1501, 2000, 2524}) {
            acks.onPacketReceived(pn, true, T0);
        }
        ByteBuffer packet = ByteBuffer.allocate(1200);
        acks.writeAck(packet, T0);
        List<Frame> frames = new ArrayList<>();
        try {
            FrameCodec.decode(packet.flip(), frames);
        } catch (FrameCodec.MalformedException e) {
            throw new AssertionError(e);
        }
        // 2524 - 1024 = 1500: [1500, 1501] still reaches the horizon, [0, 2] does not.
        assertThat(((Frame.Ack) frames.get(0)).ranges()).containsExactly(2524, 2524, 2000, 2000, 1501, 1500);
        assertThat(acks.isDuplicate(1)).as("still remembered, only not reported").isTrue();
    }

    @Test
    void ackDelayIsMeasuredFromTheLargestPacketInMicroseconds() {
        AckTracker acks = pastTheFirstPackets(10 * MS);
        acks.onPacketReceived(7, true, T0 + MS);
        acks.onPacketReceived(5, true, T0 + 2 * MS); // older, arrives later: the delay still counts from 7
        ByteBuffer packet = ByteBuffer.allocate(1200);
        acks.writeAck(packet, T0 + 9 * MS + 123_456);
        assertThat(acks.deadline()).isEqualTo(Long.MAX_VALUE);

        List<Frame> frames = new ArrayList<>();
        try {
            FrameCodec.decode(packet.flip(), frames);
        } catch (FrameCodec.MalformedException e) {
            throw new AssertionError(e);
        }
        Frame.Ack ack = (Frame.Ack) frames.get(0);
        assertThat(ack.ranges()[0]).isEqualTo(7);
        assertThat(ack.ackDelayMicros()).isEqualTo(8_123);
    }
}
