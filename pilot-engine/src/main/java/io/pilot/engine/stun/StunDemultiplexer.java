package io.pilot.engine.stun;

import io.netty.buffer.ByteBuf;

/**
 * Tells a STUN message from a Pilot datagram on the shared socket by looking at eight header bytes,
 * without decoding anything.
 *
 * <p>Why a Pilot datagram can never pass {@link #isStun}: every Pilot datagram starts with
 * {@code type u8 (1..7) | version u8 (1) | reserved u16 (0)}. The first byte has its top two bits
 * clear, so that test alone does not separate them; the magic cookie would, except by a 2^-32 chance of
 * payload bytes; the length test does, always: bytes 2..3 of a Pilot datagram are zero, so it would have
 * to be exactly 20 bytes long, and the shortest Pilot datagram (a relay header around a bare header) has
 * 16, the next shortest 24. The three tests
 * are required together all the same, so neither protocol's future changes alone can blur the line.
 */
public final class StunDemultiplexer {

    private StunDemultiplexer() {
    }

    /**
     * An RFC 8489 message: top two bits of the type zero, length field equal to the datagram length
     * minus the 20-byte header (and so a multiple of 4), magic cookie at bytes 4..7. Does not move the
     * reader index.
     */
    public static boolean isStun(ByteBuf datagram) {
        int start = datagram.readerIndex();
        return hasStunLength(datagram)
                && (datagram.getUnsignedByte(start) & 0xC0) == 0
                && datagram.getInt(start + 4) == StunMessage.MAGIC_COOKIE;
    }

    /**
     * A Binding request from an RFC 3489 client, which has no magic cookie: type 0x0001 and a length
     * field equal to the datagram length minus 20. Its first byte is 0, which is no Pilot packet type,
     * so this cannot match a Pilot datagram either. Messages with the magic cookie are left to
     * {@link #isStun}.
     */
    public static boolean isClassicBindingRequest(ByteBuf datagram) {
        int start = datagram.readerIndex();
        return hasStunLength(datagram)
                && datagram.getUnsignedShort(start) == StunMessage.BINDING_REQUEST
                && datagram.getInt(start + 4) != StunMessage.MAGIC_COOKIE;
    }

    private static boolean hasStunLength(ByteBuf datagram) {
        int size = datagram.readableBytes();
        return size >= StunMessage.HEADER_LENGTH && size % 4 == 0
                && datagram.getUnsignedShort(datagram.readerIndex() + 2) == size - StunMessage.HEADER_LENGTH;
    }
}
