package io.pilot.engine.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * An ack-eliciting packet in flight: when it left, how big it was and which frames need action on ACK or loss, and
 * the delivery-rate state the sender had when it left ({@link DeliveryRateSampler} stamps it, {@link Bbr} uses it).
 */
final class SentPacket {

    final long packetNumber;
    final long sentNanos;
    final int size;
    final List<SentFrame> frames;
    /** Bytes delivered (acknowledged) on the connection before this packet left. */
    long delivered;
    /** When {@link #delivered} last grew before this packet left. */
    long deliveredNanos;
    /** Send time of the packet most recently acknowledged before this one left: the start of its send interval. */
    long firstSentNanos;
    /** Whether the application, not the path, limited the rate when this packet left. */
    boolean appLimited;

    SentPacket(long packetNumber, long sentNanos, int size, List<SentFrame> frames) {
        this.packetNumber = packetNumber;
        this.sentNanos = sentNanos;
        this.size = size;
        this.frames = frames.isEmpty() ? List.of() : new ArrayList<>(frames);
    }
}
