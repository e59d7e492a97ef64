package io.pilot.engine.codec;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Reads big-endian binary fields (those {@link BinaryWriter} writes). Every read checks what remains and
 * throws {@link DecodeException} on short or malformed input, so a handler needs no other guard.
 */
public final class BinaryReader {

    private final ByteBuffer in;

    public BinaryReader(byte[] bytes) {
        this.in = ByteBuffer.wrap(bytes);
    }

    public int u8() {
        need(1);
        return in.get() & 0xFF;
    }

    public int u16() {
        need(2);
        return in.getShort() & 0xFFFF;
    }

    public long u32() {
        need(4);
        return in.getInt() & 0xFFFFFFFFL;
    }

    public long u64() {
        need(8);
        return in.getLong();
    }

    /** A string of at most 255 UTF-8 bytes, length-prefixed with a u8; strict about its UTF-8. */
    public String string8() {
        int length = u8();
        need(length);
        ByteBuffer slice = in.slice().limit(length);
        in.position(in.position() + length);
        return StrictUtf8.decode(slice);
    }

    /** {@code length} bytes without a prefix (a key, a signature). */
    public byte[] raw(int length) {
        need(length);
        byte[] value = new byte[length];
        in.get(value);
        return value;
    }

    /** Bytes length-prefixed with a u16. */
    public byte[] bytes16() {
        int length = u16();
        need(length);
        byte[] value = new byte[length];
        in.get(value);
        return value;
    }

    /** family u8 (4|6) | address | port u16. */
    public InetSocketAddress socketAddress() {
        int family = u8();
        if (family != 4 && family != 6) {
            throw new DecodeException("unknown address family " + family);
        }
        byte[] ip = new byte[family == 4 ? 4 : 16];
        need(ip.length);
        in.get(ip);
        int port = u16();
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new DecodeException("bad address");
        }
    }

    /** Bytes left to read. */
    public int remaining() {
        return in.remaining();
    }

    /** Refuses trailing bytes. */
    public void end() {
        if (in.hasRemaining()) {
            throw new DecodeException(in.remaining() + " unexpected trailing bytes");
        }
    }

    private void need(int bytes) {
        if (in.remaining() < bytes) {
            throw new DecodeException("message is truncated");
        }
    }
}
