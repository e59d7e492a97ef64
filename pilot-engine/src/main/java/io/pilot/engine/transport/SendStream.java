package io.pilot.engine.transport;

import java.nio.ByteBuffer;

/**
 * Send half of a stream: buffered bytes, what was sent, acknowledged and lost, and the peer's stream credit.
 *
 * <p>Lost ranges are retransmitted before new data, minus anything acknowledged meanwhile (a packet declared lost
 * may still be acknowledged late). Buffered bytes are released as soon as the acknowledged prefix covers them.
 */
final class SendStream {

    private final SendBuffer buffer = new SendBuffer();
    private final RangeSet acked = new RangeSet();
    private final RangeSet lost = new RangeSet();
    private long sentHigh;
    private long peerLimit = TransportConfig.INITIAL_MAX_STREAM_DATA;
    private boolean finRequested;
    private boolean finSent;
    private boolean finAcked;
    private boolean reset;

    void write(ByteBuffer data) {
        buffer.append(data);
    }

    /** As {@link #write}, holding {@code data}'s array instead of a copy where it has one ({@link SendBuffer#appendShared}). */
    void writeShared(ByteBuffer data) {
        if (data.hasArray()) {
            buffer.appendShared(data.array(), data.arrayOffset() + data.position(), data.remaining());
            data.position(data.limit());
        } else {
            buffer.append(data);
        }
    }

    void finish() {
        finRequested = true;
    }

    boolean finRequested() {
        return finRequested;
    }

    /** Whether the FIN, and so every byte before it, went out and was not declared lost since. */
    boolean isFinSent() {
        return finSent;
    }

    boolean isReset() {
        return reset;
    }

    /** Highest offset ever sent; the final size if the stream is reset. */
    long sentHigh() {
        return sentHigh;
    }

    boolean hasLost() {
        return !lost.isEmpty();
    }

    /** Something that needs no new connection credit: a lost range or a FIN without data. */
    boolean hasRetransmission() {
        return !reset && (!lost.isEmpty() || (finRequested && !finSent && sentHigh == buffer.end()));
    }

    boolean hasSendable() {
        return hasRetransmission() || (!reset && sentHigh < buffer.end() && sentHigh < peerLimit);
    }

    /** Raises the peer's credit; true if that unblocked new data. */
    boolean onMaxStreamData(long maximum) {
        if (maximum <= peerLimit) {
            return false;
        }
        boolean wasBlocked = sentHigh >= peerLimit;
        peerLimit = maximum;
        return wasBlocked && sentHigh < buffer.end();
    }

    /**
     * Writes one STREAM frame for {@code stream} into {@code out} if anything fits in {@code room} bytes.
     *
     * @param connectionCredit how many new bytes connection-level flow control still allows
     * @return the record of what was sent, or null if nothing could be sent
     */
    SentFrame.StreamRange writeFrame(Stream stream, ByteBuffer out, int room, long connectionCredit) {
        int maxData = Math.min(room - FrameCodec.STREAM_HEADER_SIZE, FrameCodec.MAX_FRAME_DATA);
        if (reset || maxData < 0) {
            return null;
        }
        long written = buffer.end();
        long from;
        int length;
        if (!lost.isEmpty()) {
            from = lost.start(0);
            length = (int) Math.min(lost.end(0) - from, maxData);
            if (length == 0) {
                return null;
            }
            lost.remove(from, from + length);
        } else {
            from = sentHigh;
            long limit = Math.min(Math.min(written, peerLimit), sentHigh + connectionCredit);
            length = (int) Math.max(0, Math.min(limit - sentHigh, maxData));
            boolean bareFin = finRequested && !finSent && sentHigh == written;
            if (length == 0 && !bareFin) {
                return null;
            }
            sentHigh += length;
        }
        boolean fin = finRequested && from + length == written;
        if (fin) {
            finSent = true;
        }
        FrameCodec.writeStreamHeader(out, stream.id(), stream.port(), from, length, fin);
        buffer.copyTo(from, length, out);
        return new SentFrame.StreamRange(stream, from, length, fin);
    }

    void onAcked(long offset, int length, boolean fin) {
        if (reset) {
            return;
        }
        acked.add(offset, offset + length);
        lost.remove(offset, offset + length);
        if (fin) {
            finAcked = true;
        }
        if (acked.start(0) == 0) {
            buffer.release(acked.end(0));
        }
    }

    void onLost(long offset, int length, boolean fin) {
        if (reset) {
            return;
        }
        long cur = offset;
        long end = offset + length;
        int i = acked.indexAfter(cur);
        while (cur < end) {
            if (i < acked.size() && acked.start(i) <= cur) {
                cur = acked.end(i);
                i++;
                continue;
            }
            long next = i < acked.size() ? Math.min(end, acked.start(i)) : end;
            lost.add(cur, next);
            cur = next;
        }
        if (fin && !finAcked) {
            finSent = false;
        }
    }

    /** All data and the FIN were acknowledged. */
    boolean isComplete() {
        long written = buffer.end();
        return finAcked && (written == 0 || (!acked.isEmpty() && acked.start(0) == 0 && acked.end(0) >= written));
    }

    /** Abandons everything unsent; {@link #sentHigh()} becomes the final size. */
    void reset() {
        reset = true;
        buffer.clear();
    }
}
