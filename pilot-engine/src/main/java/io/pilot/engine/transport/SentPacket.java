package io.pilot.engine.transport;

import java.util.ArrayList;
import java.util.List;

/** An ack-eliciting packet in flight: when it left, how big it was and which frames need action on ACK or loss. */
final class SentPacket {

    final long packetNumber;
    final long sentNanos;
    final int size;
    final List<SentFrame> frames;

    SentPacket(long packetNumber, long sentNanos, int size, List<SentFrame> frames) {
        this.packetNumber = packetNumber;
        this.sentNanos = sentNanos;
        this.size = size;
        this.frames = frames.isEmpty() ? List.of() : new ArrayList<>(frames);
    }
}
