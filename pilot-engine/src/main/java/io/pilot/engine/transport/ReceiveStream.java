package io.pilot.engine.transport;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Receive half of a stream: reassembly, final size and stream credit.
 *
 * <p>In-order data is handed to the application straight from the packet (no copy); only data that arrives ahead
 * of a gap is copied into an offset-keyed tree. Overlaps are trimmed on insert, so the tree never holds a byte
 * twice and its bytes stay within the stream credit; the number of its segments counts against the connection's
 * {@link ReassemblyBudget}. Delivery counts as consumption, so
 * credit returns as soon as the application's callback returns.
 *
 * <p>After a local abort the half keeps counting what arrives (so connection credit stays in sync with the peer)
 * but delivers nothing; it is finished once the final size is known.
 */
final class ReceiveStream {

    private final TreeMap<Long, ByteBuffer> outOfOrder = new TreeMap<>();
    private final ReassemblyBudget budget;
    private long delivered;
    private long highest;
    private long finalSize = -1;
    private long limit = TransportConfig.INITIAL_MAX_STREAM_DATA;
    private boolean finDelivered;
    private boolean resetReceived;
    private boolean discarding;

    ReceiveStream(ReassemblyBudget budget) {
        this.budget = budget;
    }

    long highest() {
        return highest;
    }

    /** Bytes counted as consumed for connection credit: delivered, or everything once discarded or reset. */
    long consumed() {
        return discarding || resetReceived ? highest : delivered;
    }

    long limit() {
        return limit;
    }

    boolean finalSizeKnown() {
        return finalSize >= 0;
    }

    /** Nothing more will be delivered and the final size is accounted for. */
    boolean isFinished() {
        return finDelivered || resetReceived || (discarding && finalSize >= 0);
    }

    boolean isResetReceived() {
        return resetReceived;
    }

    /** Raises the credit to {@code consumed + window} once less than half a window is left; true if raised. */
    boolean refreshCredit(long window) {
        if (finalSize >= 0 || discarding || resetReceived || limit - delivered >= window / 2) {
            return false;
        }
        limit = delivered + window;
        return true;
    }

    /**
     * Checks a STREAM frame against final size and credit without changing anything.
     *
     * @return 0 if acceptable, otherwise the {@link TransportError} to close with
     */
    int check(long offset, int length, boolean fin) {
        long end = offset + length;
        if (finalSize >= 0 && (end > finalSize || (fin && end != finalSize))) {
            return TransportError.PROTOCOL_VIOLATION;
        }
        if (fin && end < highest) {
            return TransportError.PROTOCOL_VIOLATION;
        }
        return end > limit ? TransportError.FLOW_CONTROL_ERROR : 0;
    }

    /** Checks a RESET_STREAM final size; 0 if acceptable. */
    int checkReset(long size) {
        if ((finalSize >= 0 && size != finalSize) || size < highest) {
            return TransportError.PROTOCOL_VIOLATION;
        }
        return size > limit ? TransportError.FLOW_CONTROL_ERROR : 0;
    }

    /**
     * Applies a checked STREAM frame, delivering whatever became contiguous to {@code owner}.
     *
     * @return false if data ahead of a gap could not be buffered because the connection's {@link ReassemblyBudget}
     * is spent: the frame's packet must then go unacknowledged, so that the peer sends the data again
     */
    boolean receive(long offset, ByteBuffer data, boolean fin, Stream owner) {
        int length = data.remaining();
        long end = offset + length;
        if (fin) {
            finalSize = end;
        }
        highest = Math.max(highest, end);
        if (discarding || resetReceived || finDelivered) {
            return true;
        }
        boolean kept = true;
        if (offset <= delivered) {
            if (end > delivered) {
                ByteBuffer fresh = data.slice(data.position() + (int) (delivered - offset), (int) (end - delivered));
                delivered = end;
                owner.deliver(fresh);
                drainOutOfOrder(owner);
            }
        } else {
            kept = buffer(offset, data);
        }
        if (finalSize >= 0 && delivered == finalSize && !finDelivered && !discarding && !resetReceived) {
            finDelivered = true;
            clearOutOfOrder();
            owner.deliverFin();
        }
        return kept;
    }

    /**
     * Buffers the bytes of a segment ahead of a gap that no buffered segment holds yet, as one copy: its head is
     * trimmed by the segment before it, buffered segments it covers whole are replaced by it, and its tail is
     * trimmed at a segment it overlaps in part. So the buffered bytes never exceed the stream credit, whatever the
     * order and overlap of what arrives.
     *
     * @return false if a new buffer was needed and the budget had no room (nothing changed then)
     */
    private boolean buffer(long offset, ByteBuffer data) {
        long start = offset;
        long end = offset + data.remaining();
        Map.Entry<Long, ByteBuffer> before = outOfOrder.floorEntry(start);
        if (before != null) {
            start = Math.max(start, before.getKey() + before.getValue().remaining());
        }
        for (Map.Entry<Long, ByteBuffer> next = outOfOrder.ceilingEntry(start);
                next != null && next.getKey() < end; next = outOfOrder.ceilingEntry(start)) {
            long nextEnd = next.getKey() + next.getValue().remaining();
            if (nextEnd > end) {
                end = next.getKey();
                break;
            }
            outOfOrder.remove(next.getKey());
            budget.removed(next.getValue().remaining());
        }
        if (start >= end) {
            return true;
        }
        if (!budget.hasRoom()) {
            return false;
        }
        ByteBuffer copy = ByteBuffer.allocate((int) (end - start));
        copy.put(data.slice(data.position() + (int) (start - offset), copy.capacity())).flip();
        outOfOrder.put(start, copy);
        budget.added(copy.remaining());
        return true;
    }

    private void drainOutOfOrder(Stream owner) {
        while (!discarding && !resetReceived && !outOfOrder.isEmpty()) {
            Map.Entry<Long, ByteBuffer> first = outOfOrder.firstEntry();
            long start = first.getKey();
            if (start > delivered) {
                return;
            }
            outOfOrder.pollFirstEntry();
            ByteBuffer segment = first.getValue();
            budget.removed(segment.remaining());
            long end = start + segment.remaining();
            if (end > delivered) {
                segment.position(segment.position() + (int) (delivered - start));
                delivered = end;
                owner.deliver(segment);
            }
        }
    }

    private void clearOutOfOrder() {
        for (ByteBuffer segment : outOfOrder.values()) {
            budget.removed(segment.remaining());
        }
        outOfOrder.clear();
    }

    /** Local abort: stop delivering, keep accounting. */
    void discard() {
        discarding = true;
        clearOutOfOrder();
    }

    /** Peer's RESET_STREAM (already checked). */
    void onReset(long size) {
        finalSize = size;
        highest = size;
        resetReceived = true;
        clearOutOfOrder();
    }
}
