package io.pilot.engine.transport;

import java.nio.ByteBuffer;

/**
 * Receive-side packet-number bookkeeping: detects duplicates and decides when to send an ACK.
 *
 * <p>ACK policy (RFC 9000 13.2): acknowledge immediately after every second ack-eliciting packet, when a packet
 * arrives out of order (a gap hints at loss, and the sender wants to know fast) or when it carries a PING (the
 * sender asks for an immediate acknowledgement: a probe, a keepalive, or a packet after which it must wait for an
 * ACK, whose probe timeout then leaves out max_ack_delay); otherwise within max_ack_delay.
 *
 * <p>The first {@link #IMMEDIATE_ACKS} ack-eliciting packets of a connection are acknowledged at once. The peer's
 * first RTT sample sets its min_rtt and its smoothed RTT without subtracting the ack delay (RFC 9002 5.2, 5.3), which
 * QUIC can afford because its handshake packets are acknowledged at once; here the handshake happens below the
 * transport, so without this the first sample of a request/reply pair is usually a delayed ACK: 10 ms and more on
 * loopback, and a min_rtt that high also stops every later sample from having its ack delay subtracted. Several,
 * not one, so that one lost ACK does not bring the inflated first sample back.
 *
 * <p>The delayed-ACK timer is armed a timer granularity before max_ack_delay runs out: max_ack_delay must include the
 * receiver's alarm lateness (RFC 9000 18.2), and the peer caps the ack delay it subtracts at max_ack_delay, so an
 * ACK sent late would add the lateness to the peer's RTT.
 * Only the newest {@code maxRanges} intervals are remembered; packet numbers below them are treated as duplicates,
 * which at worst makes the peer retransmit data that was in fact received.
 */
final class AckTracker {

    /** How many ack-eliciting packets at the start of a connection are acknowledged without delay. */
    static final int IMMEDIATE_ACKS = 4;
    /** How far below the largest packet number received an ACK still reports ranges; see {@link #rangesToReport}. */
    static final long RANGE_HORIZON = 1024;

    private final RangeSet received = new RangeSet();
    private final long ackTimerNanos;
    private final int maxRanges;
    private long floor;
    private long largest = -1;
    private long largestReceivedAt;
    private int elicitingSinceAck;
    private long elicitingReceived;
    private long ackDeadline = Long.MAX_VALUE;

    AckTracker(long maxAckDelayNanos, int maxRanges) {
        this.ackTimerNanos = maxAckDelayNanos - Math.min(RttEstimator.GRANULARITY_NANOS, maxAckDelayNanos / 2);
        this.maxRanges = maxRanges;
    }

    boolean isDuplicate(long packetNumber) {
        return packetNumber < floor || received.contains(packetNumber);
    }

    void onPacketReceived(long packetNumber, boolean ackEliciting, long nowNanos) {
        onPacketReceived(packetNumber, ackEliciting, false, nowNanos);
    }

    /** @param asksImmediateAck whether the packet carries a PING: acknowledged at once */
    void onPacketReceived(long packetNumber, boolean ackEliciting, boolean asksImmediateAck, long nowNanos) {
        boolean inOrder = packetNumber == largest + 1;
        received.add(packetNumber, packetNumber + 1);
        if (packetNumber > largest) {
            largest = packetNumber;
            largestReceivedAt = nowNanos;
        }
        while (received.size() > maxRanges) {
            floor = received.end(0);
            received.removeFirst();
        }
        if (ackEliciting) {
            elicitingSinceAck++;
            elicitingReceived++;
            if (asksImmediateAck || elicitingSinceAck >= 2 || !inOrder || elicitingReceived <= IMMEDIATE_ACKS) {
                ackDeadline = nowNanos;
            } else if (ackDeadline == Long.MAX_VALUE) {
                ackDeadline = nowNanos + ackTimerNanos;
            }
        }
    }

    /**
     * The newest ranges, at most {@code maxRanges}, that reach within {@link #RANGE_HORIZON} of the largest packet
     * number received. Older ranges were reported by earlier ACKs, and the peer has declared any packet it still
     * misses there lost (packet threshold 3), so repeating them would only make every ACK bigger: every skipped
     * packet number of the peer ({@link SkippedPacketNumbers}) leaves a gap, and on a long connection the ACK would
     * otherwise grow to {@code maxRanges} ranges even on a path that loses nothing.
     */
    private int rangesToReport() {
        int top = received.size() - 1;
        long oldest = received.end(top) - 1 - RANGE_HORIZON;
        int count = 1;
        while (count < maxRanges && top - count >= 0 && received.end(top - count) - 1 >= oldest) {
            count++;
        }
        return count;
    }

    /** When an ACK must be sent at the latest, or {@link Long#MAX_VALUE}. */
    long deadline() {
        return ackDeadline;
    }

    boolean ackDue(long nowNanos) {
        return ackDeadline <= nowNanos;
    }

    /** True if an ACK would acknowledge ack-eliciting packets not yet acknowledged (worth piggybacking). */
    boolean hasUnacknowledged() {
        return elicitingSinceAck > 0;
    }

    int frameSize() {
        return FrameCodec.ackFrameSize(rangesToReport());
    }

    void writeAck(ByteBuffer out, long nowNanos) {
        long delayMicros = Math.max(0, nowNanos - largestReceivedAt) / 1000;
        FrameCodec.writeAck(out, received, delayMicros, rangesToReport());
        elicitingSinceAck = 0;
        ackDeadline = Long.MAX_VALUE;
    }
}
