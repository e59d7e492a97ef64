package io.pilot.engine.transport;

/**
 * What all streams of one connection hold out of order, waiting for a gap to be filled: bytes and separate
 * buffers. Bytes are bounded by credit once overlaps are trimmed; the number of buffers is bounded here, because
 * each costs far more than its byte when a peer sends one-byte segments.
 */
final class ReassemblyBudget {

    private final int maxSegments;
    private long bytes;
    private int segments;

    ReassemblyBudget(int maxSegments) {
        this.maxSegments = maxSegments;
    }

    /** Whether one more segment may be buffered. */
    boolean hasRoom() {
        return segments < maxSegments;
    }

    void added(long segmentBytes) {
        bytes += segmentBytes;
        segments++;
    }

    void removed(long segmentBytes) {
        bytes -= segmentBytes;
        segments--;
    }

    long bytes() {
        return bytes;
    }

    int segments() {
        return segments;
    }
}
