package io.pilot.engine.directory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the directory protocol's fields. Every read checks what remains and throws {@link DirectoryException}
 * ({@link DirectoryError#BAD_REQUEST}) on short or malformed input, so a handler needs no other guard.
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

    public String string8() {
        int length = u8();
        need(length);
        ByteBuffer slice = in.slice().limit(length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw bad("text is not UTF-8");
        }
    }

    /** {@code length} bytes without a prefix (a key, a signature). */
    public byte[] raw(int length) {
        need(length);
        byte[] value = new byte[length];
        in.get(value);
        return value;
    }

    public byte[] bytes16() {
        int length = u16();
        need(length);
        byte[] value = new byte[length];
        in.get(value);
        return value;
    }

    public InetSocketAddress socketAddress() {
        int family = u8();
        if (family != 4 && family != 6) {
            throw bad("unknown address family " + family);
        }
        byte[] ip = new byte[family == 4 ? 4 : 16];
        need(ip.length);
        in.get(ip);
        int port = u16();
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw bad("bad address");
        }
    }

    /** Bytes left to read. */
    public int remaining() {
        return in.remaining();
    }

    /** Refuses trailing bytes. */
    public void end() {
        if (in.hasRemaining()) {
            throw bad(in.remaining() + " unexpected trailing bytes");
        }
    }

    private void need(int bytes) {
        if (in.remaining() < bytes) {
            throw bad("message is truncated");
        }
    }

    private static DirectoryException bad(String why) {
        return new DirectoryException(DirectoryError.BAD_REQUEST, why);
    }
}
