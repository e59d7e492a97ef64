package io.pilot.engine.transport;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Bytes written to a stream and not yet acknowledged, addressed by stream offset. Storage is a ring of fixed-size
 * chunks so locating an offset is a division, appending never moves old data, and acknowledged chunks are dropped
 * from the front.
 *
 * <p>Most streams carry one small message (a request or its reply), so the chunk being filled starts at the size of
 * its first write and doubles up to the full chunk size as writes arrive: a 100-byte request costs a 256-byte array,
 * not 16 KiB to allocate and zero. Only the last chunk can be short, and only past {@link #end()}, where nothing
 * reads.
 */
final class SendBuffer {

    static final int CHUNK_SHIFT = 14;
    static final int CHUNK = 1 << CHUNK_SHIFT;
    /** The smallest array a chunk starts with. */
    private static final int MIN_CAPACITY = 256;

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
                addChunk(src.remaining());
            }
            int tail = (head + count - 1) & (chunks.length - 1);
            int n = Math.min(src.remaining(), CHUNK - used);
            if (chunks[tail].length < used + n) {
                chunks[tail] = Arrays.copyOf(chunks[tail], capacityFor(used + n, 2 * chunks[tail].length));
            }
            src.get(chunks[tail], used, n);
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

    /** A power of two at least {@code needed} and {@code atLeast}, at most {@link #CHUNK}. */
    private static int capacityFor(int needed, int atLeast) {
        int wanted = Math.max(Math.max(needed, atLeast), MIN_CAPACITY);
        return wanted >= CHUNK ? CHUNK : Integer.highestOneBit(wanted - 1) << 1;
    }

    private void addChunk(int firstWrite) {
        if (count == chunks.length) {
            byte[][] bigger = new byte[chunks.length * 2][];
            for (int i = 0; i < count; i++) {
                bigger[i] = chunks[(head + i) & (chunks.length - 1)];
            }
            chunks = bigger;
            head = 0;
        }
        chunks[(head + count) & (chunks.length - 1)] = new byte[capacityFor(firstWrite, MIN_CAPACITY)];
        count++;
    }
}
