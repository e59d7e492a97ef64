package io.pilot.engine.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * First handshake message, initiator to responder:
 * {@code header | sender_index u32 | noise_message[32] | cookie[16] | zero padding} to exactly
 * {@link WireFormat#HANDSHAKE_INIT_LENGTH} bytes. The Noise message is the initiator's ephemeral key.
 * The cookie is all zeros unless the responder asked for one (see {@link CookieReply}).
 */
public record HandshakeInit(int senderIndex, byte[] noiseMessage, byte[] cookie) implements WirePacket {

    /** Length of the Noise XX first message with an empty payload: the ephemeral key. */
    public static final int NOISE_LENGTH = 32;

    static final int COOKIE_OFFSET = WireFormat.HEADER_LENGTH + 4 + NOISE_LENGTH;

    public HandshakeInit {
        if (noiseMessage.length != NOISE_LENGTH || cookie.length != WireFormat.COOKIE_LENGTH) {
            throw new IllegalArgumentException("handshake init carries 32 bytes of Noise and 16 of cookie");
        }
    }

    static HandshakeInit decode(ByteBuf in) {
        int senderIndex = in.readInt();
        byte[] noise = new byte[NOISE_LENGTH];
        in.readBytes(noise);
        byte[] cookie = new byte[WireFormat.COOKIE_LENGTH];
        in.readBytes(cookie);
        return new HandshakeInit(senderIndex, noise, cookie);
    }

    /** The same initiation carrying a cookie. */
    public HandshakeInit withCookie(byte[] newCookie) {
        return new HandshakeInit(senderIndex, noiseMessage, newCookie);
    }

    /** Whether a cookie is attached (any non-zero byte). */
    public boolean hasCookie() {
        for (byte b : cookie) {
            if (b != 0) {
                return true;
            }
        }
        return false;
    }

    public ByteBuf encode(ByteBufAllocator allocator) {
        ByteBuf out = allocator.buffer(WireFormat.HANDSHAKE_INIT_LENGTH);
        WireCodec.writeHeader(out, WireFormat.TYPE_HANDSHAKE_INIT);
        out.writeInt(senderIndex).writeBytes(noiseMessage).writeBytes(cookie);
        out.writeZero(WireFormat.HANDSHAKE_INIT_LENGTH - out.writerIndex());
        return out;
    }
}
