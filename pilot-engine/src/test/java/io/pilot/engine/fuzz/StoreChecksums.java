package io.pilot.engine.fuzz;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Rewrites the CRC32C checksums of a store file (header, each entry, a snapshot's trailer) so that they match,
 * whatever the fuzzer did to the bytes: otherwise almost every mutation stops at the first checksum and the
 * entry decoder behind it is never reached. A writer of the store's files can compute checksums too, so what
 * lies behind them is still outside input. Layout: {@code docs/PROTOCOL.md} §8 (header 18 bytes with its
 * checksum at 14; entries {@code u32 length | u32 crc32c | body}; a snapshot ends {@code u32 count | u32 crc32c}
 * of everything before it).
 */
final class StoreChecksums {

    private static final int HEADER_SIZE = 18;
    private static final int HEADER_CHECKSUM_AT = 14;
    private static final int ENTRY_PREFIX = 8;
    private static final int MIN_BODY = 5;
    private static final int TRAILER_SIZE = 8;
    private static final byte[] JOURNAL_MAGIC = "PJNL".getBytes(StandardCharsets.US_ASCII);

    private StoreChecksums() {
    }

    static byte[] reseal(byte[] file, boolean snapshot) {
        if (file.length < HEADER_SIZE) {
            return file;
        }
        ByteBuffer bytes = ByteBuffer.wrap(file.clone());
        bytes.putInt(HEADER_CHECKSUM_AT, crc(bytes, 0, HEADER_CHECKSUM_AT));
        int end = snapshot ? file.length - TRAILER_SIZE : file.length;
        int offset = HEADER_SIZE;
        int count = 0;
        CRC32C whole = new CRC32C();
        whole.update(bytes.slice(0, HEADER_SIZE));
        while (end - offset >= ENTRY_PREFIX) {
            long body = Integer.toUnsignedLong(bytes.getInt(offset));
            if (body < MIN_BODY || offset + ENTRY_PREFIX + body > end) {
                break;
            }
            CRC32C entry = new CRC32C();
            entry.update(bytes.slice(offset, 4));
            entry.update(bytes.slice(offset + ENTRY_PREFIX, (int) body));
            bytes.putInt(offset + 4, (int) entry.getValue());
            whole.update(bytes.slice(offset, ENTRY_PREFIX + (int) body));
            offset += ENTRY_PREFIX + (int) body;
            count++;
        }
        if (snapshot && end >= HEADER_SIZE && offset == end) {
            bytes.putInt(end, count);
            whole.update(bytes.slice(end, 4));
            bytes.putInt(end + 4, (int) whole.getValue());
        }
        return bytes.array();
    }

    /**
     * An empty journal continuing the snapshot's generation (its header with the journal's magic): without one,
     * recovery refuses a snapshot as a store that lost its writes, and the targets would never see a store open.
     */
    static byte[] emptyJournalFor(byte[] snapshot) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        header.put(JOURNAL_MAGIC);
        // Version and generation as the snapshot has them (zeros where it is shorter).
        for (int i = JOURNAL_MAGIC.length; i < Math.min(snapshot.length, HEADER_CHECKSUM_AT); i++) {
            header.put(i, snapshot[i]);
        }
        header.putInt(HEADER_CHECKSUM_AT, crc(header, 0, HEADER_CHECKSUM_AT));
        return header.array();
    }

    private static int crc(ByteBuffer bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.slice(from, length));
        return (int) crc.getValue();
    }
}
