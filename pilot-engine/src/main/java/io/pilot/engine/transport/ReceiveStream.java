package io.pilot.engine.transport;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Receive half of a stream: reassembly, final size and stream credit.
 *
 * <p>In-order data is handed to the application straight from the packet (no copy); only data that arrives ahead
 * of a gap is copied into an offset-keyed tree, bounded by the stream credit. Delivery counts as consumption, so
 * credit returns as soon as the application's callback returns.
 *
 * <p>After a local abort the half keeps counting what arrives (so connection credit stays in sync with the peer)
 * but delivers nothing; it is finished once the final size is known.
 */
final class ReceiveStream {

    private final TreeMap<Long, ByteBuffer> outOfOrder = new TreeMap<>();
    private long delivered;
    private long highest;
    private long finalSize = -1;
    private long limit = TransportConfig.INITIAL_MAX_STREAM_DATA;
    private boolean finDelivered;
    private boolean resetReceived;
    private boolean discarding;

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

    /** Applies a checked STREAM frame, delivering whatever became contiguous to {@code owner}. */
    void receive(long offset, ByteBuffer data, boolean fin, Stream owner) {
        int length = data.remaining();
        long end = offset + length;
        if (fin) {
            finalSize = end;
        }
        highest = Math.max(highest, end);
        if (discarding || resetReceived || finDelivered) {
            return;
        }
        if (offset <= delivered) {
            if (end > delivered) {
                ByteBuffer fresh = data.slice(data.position() + (int) (delivered - offset), (int) (end - delivered));
                delivered = end;
                owner.deliver(fresh);
                drainOutOfOrder(owner);
            }
        } else {
            buffer(offset, data);
        }
        if (finalSize >= 0 && delivered == finalSize && !finDelivered && !discarding && !resetReceived) {
            finDelivered = true;
            outOfOrder.clear();
            owner.deliverFin();
        }
    }

    private void buffer(long offset, ByteBuffer data) {
        long end = offset + data.remaining();
        Map.Entry<Long, ByteBuffer> before = outOfOrder.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue().remaining() >= end) {
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data.duplicate()).flip();
        outOfOrder.put(offset, copy);
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
            long end = start + segment.remaining();
            if (end > delivered) {
                segment.position(segment.position() + (int) (delivered - start));
                delivered = end;
                owner.deliver(segment);
            }
        }
    }

    /** Local abort: stop delivering, keep accounting. */
    void discard() {
        discarding = true;
        outOfOrder.clear();
    }

    /** Peer's RESET_STREAM (already checked). */
    void onReset(long size) {
        finalSize = size;
        highest = size;
        resetReceived = true;
        outOfOrder.clear();
    }
}
