package io.pilot.engine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The 18 bytes that start both store files:
 * <pre>
 * 4 bytes  magic        "PJNL" (journal) or "PSNP" (snapshot)
 * u16      version      1
 * u64      generation   which snapshot a journal continues, or which one a snapshot is
 * u32      crc32c       CRC32C of the 14 bytes before it
 * </pre>
 * Magic and version come first and are checked first, since a later version may lay out the rest
 * differently; the checksum guards the generation, which decides whether a journal gets replayed.
 */
final class FileHeader {

    static final int SIZE = 18;
    static final int VERSION = 1;
    static final int VERSION_OFFSET = 4;
    static final int GENERATION_OFFSET = 6;
    private static final int CHECKSUM_OFFSET = 14;

    /** The two store files, by their magic. */
    enum Kind {
        JOURNAL("PJNL", "journal"),
        SNAPSHOT("PSNP", "snapshot");

        private final byte[] magic;
        private final String description;

        Kind(String magic, String description) {
            this.magic = magic.getBytes(StandardCharsets.US_ASCII);
            this.description = description;
        }
    }

    private FileHeader() {
    }

    static ByteBuffer encode(Kind kind, long generation) {
        ByteBuffer header = ByteBuffer.allocate(SIZE);
        header.put(kind.magic).putShort((short) VERSION).putLong(generation);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, CHECKSUM_OFFSET);
        header.putInt((int) crc.getValue());
        return header.flip();
    }

    /** Checks the header of a {@code kind} file and returns its generation. */
    static long read(FileWindow window, Path file, Kind kind) throws IOException {
        if (window.size() < SIZE) {
            throw new StoreCorruptedException(file, 0, "the file is " + window.size() + " bytes, shorter than the " + SIZE
                    + "-byte header of a Pilot store " + kind.description);
        }
        ByteBuffer header = window.read(0, SIZE);
        byte[] magic = new byte[kind.magic.length];
        header.get(0, magic);
        if (!Arrays.equals(magic, kind.magic)) {
            throw new StoreCorruptedException(file, 0, "bad magic 0x" + HexFormat.of().formatHex(magic) + ", expected 0x"
                    + HexFormat.of().formatHex(kind.magic) + " (\"" + new String(kind.magic, StandardCharsets.US_ASCII)
                    + "\", a Pilot store " + kind.description + ")");
        }
        int version = Short.toUnsignedInt(header.getShort(VERSION_OFFSET));
        if (version != VERSION) {
            throw new StoreCorruptedException(file, VERSION_OFFSET, "unknown format version " + version
                    + "; this build reads version " + VERSION);
        }
        CRC32C crc = new CRC32C();
        crc.update(header.slice(0, CHECKSUM_OFFSET));
        if (header.getInt(CHECKSUM_OFFSET) != (int) crc.getValue()) {
            throw new StoreCorruptedException(file, CHECKSUM_OFFSET, "the header's CRC32C checksum does not match");
        }
        return header.getLong(GENERATION_OFFSET);
    }
}
