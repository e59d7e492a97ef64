package io.pilot.engine.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Writes the whole live state to a file and forces it to disk; the caller renames it into place. Layout:
 * the {@link FileHeader}, one put entry per key in {@link EntryCodec} form, then a trailer of the entry
 * count (u32) and the CRC32C (u32) of every byte before it. The trailer catches a snapshot cut short at an
 * entry boundary, which the entries' own checksums cannot.
 */
final class SnapshotWriter {

    static final int TRAILER_SIZE = 8;

    private SnapshotWriter() {
    }

    static void write(Path file, long generation, LiveState state) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            CRC32C crc = new CRC32C();
            OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            OutputStream out = new CheckedOutputStream(buffered, crc);
            out.write(FileHeader.encode(FileHeader.Kind.SNAPSHOT, generation).array());
            int count = 0;
            for (JournalEntry entry : state.asPuts()) {
                ByteBuffer frame = EntryCodec.encode(entry);
                out.write(frame.array(), 0, frame.limit());
                count++;
            }
            out.write(ByteBuffer.allocate(4).putInt(count).array());
            buffered.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
            buffered.flush();
            channel.force(true);
        }
    }
}
