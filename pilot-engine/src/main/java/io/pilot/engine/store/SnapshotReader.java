package io.pilot.engine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Loads a snapshot written by {@link SnapshotWriter}. A snapshot is only ever renamed into place once
 * complete and synced, so unlike the journal it has no damage to forgive: any bad byte is corruption.
 */
final class SnapshotReader {

    private SnapshotReader() {
    }

    /** Applies the snapshot's entries to {@code state} and returns its generation. */
    static long load(Path file, LiveState state) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileWindow window = new FileWindow(channel);
            long generation = FileHeader.read(window, file, FileHeader.Kind.SNAPSHOT);
            long end = window.size() - SnapshotWriter.TRAILER_SIZE;
            if (end < FileHeader.SIZE) {
                throw new StoreCorruptedException(file, FileHeader.SIZE, "the file ends before its "
                        + SnapshotWriter.TRAILER_SIZE + "-byte trailer");
            }
            CRC32C crc = new CRC32C();
            crc.update(window.read(0, FileHeader.SIZE));
            long offset = FileHeader.SIZE;
            int count = 0;
            while (offset < end) {
                EntryCodec.Probe probe = EntryCodec.probe(window, offset, end);
                if (!probe.valid()) {
                    throw new StoreCorruptedException(file, offset, probe.problem());
                }
                ByteBuffer frame = window.read(offset, probe.frameSize());
                JournalEntry entry = EntryCodec.decode(frame, file, offset);
                if (entry.kind() != JournalEntry.Kind.PUT) {
                    throw new StoreCorruptedException(file, offset, "a snapshot holds only puts, found a " + entry.kind());
                }
                crc.update(frame);
                state.apply(entry);
                count++;
                offset += probe.frameSize();
            }
            ByteBuffer trailer = window.read(end, SnapshotWriter.TRAILER_SIZE);
            if (trailer.getInt(0) != count) {
                throw new StoreCorruptedException(file, end, "the trailer counts " + Integer.toUnsignedString(trailer.getInt(0))
                        + " entries, the file holds " + count);
            }
            crc.update(trailer.slice(0, 4));
            if (trailer.getInt(4) != (int) crc.getValue()) {
                throw new StoreCorruptedException(file, end + 4, "the file's CRC32C checksum does not match");
            }
            return generation;
        }
    }
}
