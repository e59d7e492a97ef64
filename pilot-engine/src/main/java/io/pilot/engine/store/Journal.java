package io.pilot.engine.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The append-only file that every mutation reaches before it is acknowledged. An entry goes out in one
 * positional write; with {@code syncEveryWrite} the data is then forced to the device, so that a returned
 * call survives a power cut, not just a process crash.
 */
final class Journal implements Closeable {

    private final FileChannel channel;
    private final boolean syncEveryWrite;
    private long size;

    private Journal(FileChannel channel, boolean syncEveryWrite) throws IOException {
        this.channel = channel;
        this.syncEveryWrite = syncEveryWrite;
        this.size = channel.size();
    }

    /** Writes a journal holding only its header and forces it to disk; the caller renames it into place. */
    static void writeEmpty(Path file, long generation) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer header = FileHeader.encode(FileHeader.Kind.JOURNAL, generation);
            while (header.hasRemaining()) {
                channel.write(header);
            }
            channel.force(true);
        }
    }

    /** Opens an existing, already recovered journal to append after its last byte. */
    static Journal openForAppend(Path file, boolean syncEveryWrite) throws IOException {
        return new Journal(FileChannel.open(file, StandardOpenOption.WRITE), syncEveryWrite);
    }

    void append(ByteBuffer frame) throws IOException {
        long position = size;
        while (frame.hasRemaining()) {
            position += channel.write(frame, position);
        }
        size = position;
        if (syncEveryWrite) {
            channel.force(false);
        }
    }

    /** Forces appended entries to disk; {@code force(false)} because only the data and the length matter. */
    void sync() throws IOException {
        channel.force(false);
    }

    /** Bytes in the file, header included. */
    long size() {
        return size;
    }

    /** Syncs and closes; does nothing the second time, so that closing after a failed compaction is safe. */
    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            try {
                sync();
            } finally {
                channel.close();
            }
        }
    }
}
