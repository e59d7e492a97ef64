package io.pilot.engine.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Second handshake message, responder to initiator:
 * {@code header | sender_index u32 | receiver_index u32 | noise_message}. The Noise message is
 * {@code e, ee, s, es} plus the responder's encrypted identity payload.
 */
public record HandshakeResponse(int senderIndex, int receiverIndex, byte[] noiseMessage) implements WirePacket {

    /** Smallest possible Noise XX second message: ephemeral, encrypted static, empty encrypted payload. */
    public static final int MIN_NOISE_LENGTH = 32 + 48 + WireFormat.TAG_LENGTH;

    static final int FIXED_LENGTH = WireFormat.HEADER_LENGTH + 8;

    static HandshakeResponse decode(ByteBuf in) {
        int sender = in.readInt();
        int receiver = in.readInt();
        byte[] noise = new byte[in.readableBytes()];
        in.readBytes(noise);
        return new HandshakeResponse(sender, receiver, noise);
    }

    public ByteBuf encode(ByteBufAllocator allocator) {
        ByteBuf out = allocator.buffer(FIXED_LENGTH + noiseMessage.length);
        WireCodec.writeHeader(out, WireFormat.TYPE_HANDSHAKE_RESPONSE);
        return out.writeInt(senderIndex).writeInt(receiverIndex).writeBytes(noiseMessage);
    }
}
