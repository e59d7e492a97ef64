package io.pilot.engine.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Third handshake message, initiator to responder: {@code header | receiver_index u32 | noise_message}.
 * The Noise message is {@code s, se} plus the initiator's encrypted identity payload.
 */
public record HandshakeFinal(int receiverIndex, byte[] noiseMessage) implements WirePacket {

    /** Smallest possible Noise XX third message: encrypted static and empty encrypted payload. */
    public static final int MIN_NOISE_LENGTH = 48 + WireFormat.TAG_LENGTH;

    static final int FIXED_LENGTH = WireFormat.HEADER_LENGTH + 4;

    static HandshakeFinal decode(ByteBuf in) {
        int receiver = in.readInt();
        byte[] noise = new byte[in.readableBytes()];
        in.readBytes(noise);
        return new HandshakeFinal(receiver, noise);
    }

    public ByteBuf encode(ByteBufAllocator allocator) {
        ByteBuf out = allocator.buffer(FIXED_LENGTH + noiseMessage.length);
        WireCodec.writeHeader(out, WireFormat.TYPE_HANDSHAKE_FINAL);
        return out.writeInt(receiverIndex).writeBytes(noiseMessage);
    }
}
