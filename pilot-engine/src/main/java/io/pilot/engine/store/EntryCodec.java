package io.pilot.engine.store;

import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.codec.StrictUtf8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The byte layout of one entry, shared by journal and snapshot:
 * <pre>
 * u32 length     bytes of the body that follows the checksum
 * u32 crc32c     CRC32C of the length field and the body
 * body:
 *   u8  kind                 1 = put, 2 = remove
 *   u16 namespace length,  namespace (UTF-8)
 *   u16 key length,        key (UTF-8)
 *   value                    the rest of the body (puts only, up to 1 MiB)
 * </pre>
 * All integers big-endian. The checksum covers the length so that a damaged length is caught as surely as
 * damaged data; the value needs no length of its own because the body's length gives it.
 */
final class EntryCodec {

    /** The length and checksum fields in front of every body. */
    static final int PREFIX_SIZE = 8;
    /** Longest namespace or key in UTF-8 bytes: their length fields are 16 bits. */
    static final int MAX_NAME_BYTES = 0xFFFF;
    /** Largest value: the store keeps small records, and a bound keeps recovery's buffers bounded. */
    static final int MAX_VALUE_BYTES = 1 << 20;

    private static final int MIN_BODY_SIZE = 1 + 2 + 2;
    private static final int MAX_BODY_SIZE = MIN_BODY_SIZE + 2 * MAX_NAME_BYTES + MAX_VALUE_BYTES;
    static final int MAX_FRAME_SIZE = PREFIX_SIZE + MAX_BODY_SIZE;

    private EntryCodec() {
    }

    /** The entry as bytes, ready to write. Refuses names that are too long or are not valid Unicode. */
    static ByteBuffer encode(JournalEntry entry) {
        byte[] namespace = utf8(entry.namespace(), "namespace");
        byte[] key = utf8(entry.key(), "key");
        byte[] value = entry.value();
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("a value of " + value.length + " bytes exceeds the limit of " + MAX_VALUE_BYTES);
        }
        int bodySize = MIN_BODY_SIZE + namespace.length + key.length + value.length;
        ByteBuffer frame = ByteBuffer.allocate(PREFIX_SIZE + bodySize);
        frame.putInt(bodySize).putInt(0).put(entry.kind().code)
                .putShort((short) namespace.length).put(namespace)
                .putShort((short) key.length).put(key)
                .put(value);
        frame.flip();
        frame.putInt(4, checksum(frame));
        return frame;
    }

    /** How many bytes {@link #encode} makes of a put; the live state adds these up to judge compaction. */
    static int frameSize(String namespace, String key, int valueLength) {
        return PREFIX_SIZE + MIN_BODY_SIZE + namespace.getBytes(StandardCharsets.UTF_8).length
                + key.getBytes(StandardCharsets.UTF_8).length + valueLength;
    }

    /**
     * Whether a whole entry with a matching checksum starts at {@code offset} and ends by {@code end}.
     * Only the framing is checked, so that recovery can tell a cut-off write from a good entry cheaply.
     */
    static Probe probe(FileWindow window, long offset, long end) throws IOException {
        long available = end - offset;
        if (available < PREFIX_SIZE) {
            return new Probe(Probe.Outcome.PREFIX_CUT_OFF, 0, available);
        }
        long bodySize = Integer.toUnsignedLong(window.read(offset, PREFIX_SIZE).getInt(0));
        if (bodySize < MIN_BODY_SIZE || bodySize > MAX_BODY_SIZE) {
            return new Probe(Probe.Outcome.IMPOSSIBLE_LENGTH, bodySize, available);
        }
        if (PREFIX_SIZE + bodySize > available) {
            return new Probe(Probe.Outcome.BODY_CUT_OFF, bodySize, available);
        }
        ByteBuffer frame = window.read(offset, PREFIX_SIZE + (int) bodySize);
        if (frame.getInt(4) != checksum(frame)) {
            return new Probe(Probe.Outcome.CHECKSUM_MISMATCH, bodySize, available);
        }
        return new Probe(Probe.Outcome.VALID, bodySize, available);
    }

    /**
     * The entry in a frame that {@link #probe} found valid. The checksum matched, so a body that still
     * makes no sense was written that way: that is corruption, never a torn write.
     */
    static JournalEntry decode(ByteBuffer frame, Path file, long offset) throws StoreCorruptedException {
        ByteBuffer body = frame.slice(PREFIX_SIZE, frame.limit() - PREFIX_SIZE);
        JournalEntry.Kind kind = JournalEntry.Kind.of(body.get());
        if (kind == null) {
            throw new StoreCorruptedException(file, offset + PREFIX_SIZE, "unknown entry kind " + body.get(0));
        }
        String namespace = name(body, file, offset, "namespace");
        String key = name(body, file, offset, "key");
        byte[] value = new byte[body.remaining()];
        body.get(value);
        if (kind == JournalEntry.Kind.REMOVE) {
            if (value.length != 0) {
                throw new StoreCorruptedException(file, offset, "a remove entry carries " + value.length + " value bytes");
            }
            return JournalEntry.remove(namespace, key);
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new StoreCorruptedException(file, offset, "a value of " + value.length + " bytes exceeds the limit of " + MAX_VALUE_BYTES);
        }
        return JournalEntry.put(namespace, key, value);
    }

    private static String name(ByteBuffer body, Path file, long offset, String what) throws StoreCorruptedException {
        if (body.remaining() < 2) {
            throw new StoreCorruptedException(file, offset, "the entry ends before its " + what + " length");
        }
        int length = Short.toUnsignedInt(body.getShort());
        if (length > body.remaining()) {
            throw new StoreCorruptedException(file, offset, "the " + what + " length " + length + " runs past the end of the entry");
        }
        ByteBuffer bytes = body.slice(body.position(), length);
        body.position(body.position() + length);
        try {
            return StrictUtf8.decode(bytes);
        } catch (DecodeException e) {
            throw new StoreCorruptedException(file, offset, "the " + what + " is not valid UTF-8");
        }
    }

    private static byte[] utf8(String name, String what) {
        ByteBuffer bytes;
        try {
            bytes = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(name));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the " + what + " is not valid Unicode (unpaired surrogate)", e);
        }
        if (bytes.remaining() > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("the " + what + " is " + bytes.remaining() + " bytes in UTF-8, more than " + MAX_NAME_BYTES);
        }
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        return array;
    }

    /** CRC32C of a frame's length field and body, skipping the checksum field itself. */
    private static int checksum(ByteBuffer frame) {
        CRC32C crc = new CRC32C();
        crc.update(frame.slice(0, 4));
        crc.update(frame.slice(PREFIX_SIZE, frame.limit() - PREFIX_SIZE));
        return (int) crc.getValue();
    }

    /** What {@link #probe} found at one offset; the problem is only put into words when someone reports it. */
    record Probe(Outcome outcome, long bodySize, long available) {

        enum Outcome { VALID, PREFIX_CUT_OFF, IMPOSSIBLE_LENGTH, BODY_CUT_OFF, CHECKSUM_MISMATCH }

        boolean valid() {
            return outcome == Outcome.VALID;
        }

        int frameSize() {
            return PREFIX_SIZE + (int) bodySize;
        }

        String problem() {
            return switch (outcome) {
                case VALID -> "none";
                case PREFIX_CUT_OFF -> "only " + available + " bytes remain, fewer than an entry's " + PREFIX_SIZE + "-byte length and checksum";
                case IMPOSSIBLE_LENGTH -> "the length field says " + bodySize + " bytes, outside the possible " + MIN_BODY_SIZE + ".." + MAX_BODY_SIZE;
                case BODY_CUT_OFF -> "an entry of " + (PREFIX_SIZE + bodySize) + " bytes is cut off after " + available;
                case CHECKSUM_MISMATCH -> "the entry's CRC32C checksum does not match its " + (PREFIX_SIZE + bodySize) + " bytes";
            };
        }
    }
}
