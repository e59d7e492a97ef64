package io.pilot.engine.transport;

import java.nio.ByteBuffer;

/**
 * Receive-side packet-number bookkeeping: detects duplicates and decides when to send an ACK.
 *
 * <p>ACK policy (RFC 9000 13.2): acknowledge immediately after every second ack-eliciting packet or when a packet
 * arrives out of order (a gap hints at loss, and the sender wants to know fast); otherwise within max_ack_delay.
 * Only the newest {@code maxRanges} intervals are remembered; packet numbers below them are treated as duplicates,
 * which at worst makes the peer retransmit data that was in fact received.
 */
final class AckTracker {

    private final RangeSet received = new RangeSet();
    private final long maxAckDelayNanos;
    private final int maxRanges;
    private long floor;
    private long largest = -1;
    private long largestReceivedAt;
    private int elicitingSinceAck;
    private long ackDeadline = Long.MAX_VALUE;

    AckTracker(long maxAckDelayNanos, int maxRanges) {
        this.maxAckDelayNanos = maxAckDelayNanos;
        this.maxRanges = maxRanges;
    }

    boolean isDuplicate(long packetNumber) {
        return packetNumber < floor || received.contains(packetNumber);
    }

    void onPacketReceived(long packetNumber, boolean ackEliciting, long nowNanos) {
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
            if (elicitingSinceAck >= 2 || !inOrder) {
                ackDeadline = nowNanos;
            } else if (ackDeadline == Long.MAX_VALUE) {
                ackDeadline = nowNanos + maxAckDelayNanos;
            }
        }
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
        return FrameCodec.ackFrameSize(Math.min(received.size(), maxRanges));
    }

    void writeAck(ByteBuffer out, long nowNanos) {
        long delayMicros = Math.max(0, nowNanos - largestReceivedAt) / 1000;
        FrameCodec.writeAck(out, received, delayMicros, maxRanges);
        elicitingSinceAck = 0;
        ackDeadline = Long.MAX_VALUE;
    }
}
