package io.pilot.engine.transport;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Bytes written to a stream and not yet acknowledged, addressed by stream offset. Storage is a ring of fixed-size
 * chunks so locating an offset is a division, appending never moves old data, and acknowledged chunks are dropped
 * from the front.
 */
final class SendBuffer {

    private static final int CHUNK_SHIFT = 14;
    private static final int CHUNK = 1 << CHUNK_SHIFT;

    private byte[][] chunks = new byte[4][];
    private int head;
    private int count;
    /** Stream offset of {@code chunks[head][0]}; always a multiple of {@link #CHUNK}. */
    private long base;
    /** Stream offset one past the last written byte. */
    private long end;

    long end() {
        return end;
    }

    void append(ByteBuffer src) {
        while (src.hasRemaining()) {
            int used = (int) (end & (CHUNK - 1));
            if (used == 0 && end - base == (long) count * CHUNK) {
                addChunk();
            }
            byte[] chunk = chunks[(head + count - 1) & (chunks.length - 1)];
            int n = Math.min(src.remaining(), CHUNK - used);
            src.get(chunk, used, n);
            end += n;
        }
    }

    /** Copies {@code [offset, offset + length)} into {@code out}; the range must still be buffered. */
    void copyTo(long offset, int length, ByteBuffer out) {
        while (length > 0) {
            long rel = offset - base;
            byte[] chunk = chunks[(head + (int) (rel >>> CHUNK_SHIFT)) & (chunks.length - 1)];
            int pos = (int) (rel & (CHUNK - 1));
            int n = Math.min(length, CHUNK - pos);
            out.put(chunk, pos, n);
            offset += n;
            length -= n;
        }
    }

    /** Forgets everything below {@code offset}. */
    void release(long offset) {
        while (count > 0 && offset - base >= CHUNK) {
            chunks[head] = null;
            head = (head + 1) & (chunks.length - 1);
            count--;
            base += CHUNK;
        }
    }

    /** Drops all data after a reset; the buffer must not be appended to afterwards. */
    void clear() {
        Arrays.fill(chunks, null);
        count = 0;
        head = 0;
    }

    private void addChunk() {
        if (count == chunks.length) {
            byte[][] bigger = new byte[chunks.length * 2][];
            for (int i = 0; i < count; i++) {
                bigger[i] = chunks[(head + i) & (chunks.length - 1)];
            }
            chunks = bigger;
            head = 0;
        }
        chunks[(head + count) & (chunks.length - 1)] = new byte[CHUNK];
        count++;
    }
}
