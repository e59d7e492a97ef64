package io.pilot.engine.store;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads ranges of a file through one reusable buffer. Recovery walks a journal entry by entry, and past a
 * damaged entry byte by byte; this keeps both to a few large reads without holding the whole file on the
 * heap.
 */
final class FileWindow {

    /** Room for the largest entry twice over, so that consecutive entries mostly come from one read. */
    private static final int CAPACITY = 2 * EntryCodec.MAX_FRAME_SIZE;

    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buffer;
    private long start;

    FileWindow(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
        this.buffer = ByteBuffer.allocate((int) Math.min(size, CAPACITY));
        buffer.limit(0);
    }

    /** The file's size when the window was opened. */
    long size() {
        return size;
    }

    /** The {@code length} bytes at {@code offset}, which must lie inside the file, as a buffer of their own. */
    ByteBuffer read(long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || length > CAPACITY || offset + length > size) {
            throw new IllegalArgumentException(length + " bytes at offset " + offset + " are not inside a file of " + size);
        }
        if (offset < start || offset + length > start + buffer.limit()) {
            fill(offset);
        }
        return buffer.slice((int) (offset - start), length);
    }

    private void fill(long offset) throws IOException {
        buffer.clear();
        buffer.limit((int) Math.min(buffer.capacity(), size - offset));
        start = offset;
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new EOFException("file shrank to " + (offset + buffer.position()) + " bytes while being read");
            }
        }
        buffer.flip();
    }
}
