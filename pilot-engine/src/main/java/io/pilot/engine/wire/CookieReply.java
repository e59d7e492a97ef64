package io.pilot.engine.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A responder under load answers an initiation that carries no valid cookie with
 * {@code header | receiver_index u32 | cookie[16]}, keeping no state; the initiator repeats its
 * initiation with the cookie attached, proving it can receive at its source address.
 */
public record CookieReply(int receiverIndex, byte[] cookie) implements WirePacket {

    static final int LENGTH = WireFormat.HEADER_LENGTH + 4 + WireFormat.COOKIE_LENGTH;

    static CookieReply decode(ByteBuf in) {
        int receiver = in.readInt();
        byte[] cookie = new byte[WireFormat.COOKIE_LENGTH];
        in.readBytes(cookie);
        return new CookieReply(receiver, cookie);
    }

    public ByteBuf encode(ByteBufAllocator allocator) {
        ByteBuf out = allocator.buffer(LENGTH);
        WireCodec.writeHeader(out, WireFormat.TYPE_COOKIE_REPLY);
        return out.writeInt(receiverIndex).writeBytes(cookie);
    }
}
