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
 *
 * <p>A large write whose bytes nobody changes ({@link #appendShared}: a message's body) is not copied: from the first
 * chunk boundary on, its chunks are views of the caller's array ({@code starts} says where in it each begins), so a
 * 16 MiB request costs no second 16 MiB. Only the last chunk is ever written to; if it is such a view and more is
 * appended, it is copied into an array of its own first.
 */
final class SendBuffer {

    static final int CHUNK_SHIFT = 14;
    static final int CHUNK = 1 << CHUNK_SHIFT;
    /** The smallest array a chunk starts with. */
    private static final int MIN_CAPACITY = 256;

    private byte[][] chunks = new byte[4][];
    /** Where in its array each chunk's first byte is: 0 for the buffer's own arrays. */
    private int[] starts = new int[4];
    /** Whether the last chunk is a view of a caller's array, not to be written. */
    private boolean lastShared;
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
            if (lastShared) {
                byte[] own = new byte[capacityFor(used + n, 0)];
                System.arraycopy(chunks[tail], starts[tail], own, 0, used);
                chunks[tail] = own;
                starts[tail] = 0;
                lastShared = false;
            } else if (chunks[tail].length < used + n) {
                chunks[tail] = Arrays.copyOf(chunks[tail], capacityFor(used + n, 2 * chunks[tail].length));
            }
            src.get(chunks[tail], used, n);
            end += n;
        }
    }

    /**
     * Appends {@code length} bytes of {@code array} from {@code offset} without copying what lies past the next chunk
     * boundary: those chunks stay views of {@code array} until released, so its bytes must not change meanwhile.
     */
    void appendShared(byte[] array, int offset, int length) {
        int used = (int) (end & (CHUNK - 1));
        int copied = used == 0 ? 0 : Math.min(length, CHUNK - used); // fills the chunk being written, as a copy
        append(ByteBuffer.wrap(array, offset, copied));
        for (int at = copied; at < length; at += CHUNK) {
            int n = Math.min(CHUNK, length - at);
            addChunk(array, offset + at);
            end += n;
            lastShared = true;
        }
    }

    /** Copies {@code [offset, offset + length)} into {@code out}; the range must still be buffered. */
    void copyTo(long offset, int length, ByteBuffer out) {
        while (length > 0) {
            long rel = offset - base;
            int index = (head + (int) (rel >>> CHUNK_SHIFT)) & (chunks.length - 1);
            int pos = (int) (rel & (CHUNK - 1));
            int n = Math.min(length, CHUNK - pos);
            out.put(chunks[index], starts[index] + pos, n);
            offset += n;
            length -= n;
        }
    }

    /** Forgets everything below {@code offset}. */
    void release(long offset) {
        while (count > 0 && offset - base >= CHUNK) {
            chunks[head] = null;
            starts[head] = 0;
            head = (head + 1) & (chunks.length - 1);
            count--;
            base += CHUNK;
        }
    }

    /** Drops all data after a reset; the buffer must not be appended to afterwards. */
    void clear() {
        Arrays.fill(chunks, null);
        Arrays.fill(starts, 0);
        lastShared = false;
        count = 0;
        head = 0;
    }

    /** A power of two at least {@code needed} and {@code atLeast}, at most {@link #CHUNK}. */
    private static int capacityFor(int needed, int atLeast) {
        int wanted = Math.max(Math.max(needed, atLeast), MIN_CAPACITY);
        return wanted >= CHUNK ? CHUNK : Integer.highestOneBit(wanted - 1) << 1;
    }

    private void addChunk(int firstWrite) {
        addChunk(new byte[capacityFor(firstWrite, MIN_CAPACITY)], 0);
        lastShared = false;
    }

    private void addChunk(byte[] array, int start) {
        if (count == chunks.length) {
            byte[][] bigger = new byte[chunks.length * 2][];
            int[] biggerStarts = new int[chunks.length * 2];
            for (int i = 0; i < count; i++) {
                bigger[i] = chunks[(head + i) & (chunks.length - 1)];
                biggerStarts[i] = starts[(head + i) & (chunks.length - 1)];
            }
            chunks = bigger;
            starts = biggerStarts;
            head = 0;
        }
        int slot = (head + count) & (chunks.length - 1);
        chunks[slot] = array;
        starts[slot] = start;
        count++;
    }
}
