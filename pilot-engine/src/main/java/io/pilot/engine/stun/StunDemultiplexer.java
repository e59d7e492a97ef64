package io.pilot.engine.stun;

import io.netty.buffer.ByteBuf;

/**
 * Tells a STUN message from a Pilot datagram on the shared socket by looking at eight header bytes,
 * without decoding anything.
 *
 * <p>Why a Pilot datagram almost never passes {@link #isStun}: every Pilot datagram starts with
 * {@code type u8 (1..8) | version u8 | reserved u16 (0)}. The first byte has its top two bits
 * clear, so that test alone does not separate them; the length test nearly does: bytes 2..3 of a Pilot
 * datagram are zero, so it would have to be exactly 20 bytes long. No handshake or DATA datagram is; a RELAY
 * or RELAYED datagram of 20 bytes (its 12-byte header around an 8-byte datagram) is, and then the magic cookie
 * decides: it passes only if its realm is 0x2112 and its node number starts with 0xA442. Such a datagram is
 * answered as a Binding request and its wrapped 8 bytes, no valid datagram anyway, are lost: harmless. The three
 * tests are required together, so neither protocol's future changes alone can blur the line.
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
