package io.pilot.engine.codec;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Writes big-endian binary fields (the directory protocol's, invitations', stored bindings'): a thin layer so
 * every message is built the same way and {@link BinaryReader} reads it back.
 */
public final class BinaryWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    public BinaryWriter u8(int value) {
        out.write(value);
        return this;
    }

    public BinaryWriter u16(int value) {
        out.write(value >>> 8);
        out.write(value);
        return this;
    }

    public BinaryWriter u32(long value) {
        return u16((int) (value >>> 16)).u16((int) value);
    }

    public BinaryWriter u64(long value) {
        return u32(value >>> 32).u32(value);
    }

    /** Bytes of a length both sides know (a key, a signature), without a prefix. */
    public BinaryWriter raw(byte[] value) {
        out.writeBytes(value);
        return this;
    }

    /** A string of at most 255 UTF-8 bytes, length-prefixed with a u8. */
    public BinaryWriter string8(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 255) {
            throw new IllegalArgumentException("'" + value + "' is longer than 255 bytes");
        }
        u8(bytes.length);
        out.writeBytes(bytes);
        return this;
    }

    /** Bytes length-prefixed with a u16. */
    public BinaryWriter bytes16(byte[] value) {
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("field of " + value.length + " bytes exceeds 65535");
        }
        u16(value.length);
        out.writeBytes(value);
        return this;
    }

    /** family u8 (4|6) | address | port u16. */
    public BinaryWriter socketAddress(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        u8(ip.length == 4 ? 4 : 6);
        out.writeBytes(ip);
        return u16(address.getPort());
    }

    public byte[] toBytes() {
        return out.toByteArray();
    }
}
