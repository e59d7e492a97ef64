package io.pilot.engine.wire;

import io.netty.buffer.ByteBuf;

/**
 * Checks a datagram's header and length and decodes it into a {@link WirePacket}, or names why it
 * cannot. Stateless; it never throws for bad input: it answers with a {@link DropReason}.
 */
public final class WireCodec {

    /** Either a packet or the reason there is none. */
    public record Result(WirePacket packet, DropReason drop) {
    }

    private WireCodec() {
    }

    static void writeHeader(ByteBuf out, int type) {
        out.writeByte(type).writeByte(WireFormat.VERSION).writeShort(0);
    }

    /**
     * Decodes one datagram. A {@link DataPacket} takes a retained slice of {@code in}; everything else
     * is copied out, so the caller still releases {@code in}.
     */
    public static Result decode(ByteBuf in) {
        int length = in.readableBytes();
        if (length < WireFormat.HEADER_LENGTH) {
            return drop(DropReason.TRUNCATED);
        }
        int start = in.readerIndex();
        int type = in.getUnsignedByte(start);
        boolean relay = type == WireFormat.TYPE_RELAY || type == WireFormat.TYPE_RELAYED;
        boolean forward = type == WireFormat.TYPE_FORWARD;
        if (length > largest(in, start, type, length)) {
            return drop(DropReason.OVERSIZED);
        }
        if (type < WireFormat.TYPE_HANDSHAKE_INIT || type > WireFormat.TYPE_FORWARD) {
            return drop(DropReason.UNKNOWN_TYPE);
        }
        if (in.getUnsignedByte(start + 1) != WireFormat.VERSION) {
            return drop(DropReason.WRONG_VERSION);
        }
        if (in.getUnsignedShort(start + 2) != 0) {
            return drop(DropReason.NONZERO_RESERVED);
        }
        DropReason sizeProblem = checkLength(type, length);
        if (sizeProblem != null) {
            return drop(sizeProblem);
        }
        if (type == WireFormat.TYPE_DATA) {
            return new Result(new DataPacket(in.retainedSlice()), null);
        }
        if (relay) {
            return RelayPacket.decode(in, type == WireFormat.TYPE_RELAY);
        }
        if (forward) {
            return ForwardPacket.decode(in);
        }
        ByteBuf body = in.slice(start + WireFormat.HEADER_LENGTH, length - WireFormat.HEADER_LENGTH);
        WirePacket packet = switch (type) {
            case WireFormat.TYPE_HANDSHAKE_INIT -> HandshakeInit.decode(body);
            case WireFormat.TYPE_HANDSHAKE_RESPONSE -> HandshakeResponse.decode(body);
            case WireFormat.TYPE_HANDSHAKE_FINAL -> HandshakeFinal.decode(body);
            default -> CookieReply.decode(body);
        };
        return new Result(packet, null);
    }

    /**
     * The longest a datagram of {@code type} may be: a relay datagram may exceed the base only with DATA inside
     * (read from the wrapped datagram's type byte), since only DATA grows on a path found to carry it.
     */
    private static int largest(ByteBuf in, int start, int type, int length) {
        return switch (type) {
            case WireFormat.TYPE_FORWARD -> WireFormat.MAX_FORWARD_DATAGRAM;
            case WireFormat.TYPE_RELAY, WireFormat.TYPE_RELAYED -> length > WireFormat.RELAY_HEADER_LENGTH
                    && in.getUnsignedByte(start + WireFormat.RELAY_HEADER_LENGTH) == WireFormat.TYPE_DATA
                    ? WireFormat.MAX_LARGE_RELAY_DATAGRAM : WireFormat.MAX_RELAY_DATAGRAM;
            case WireFormat.TYPE_DATA -> WireFormat.MAX_LARGE_DATAGRAM;
            default -> WireFormat.MAX_DATAGRAM;
        };
    }

    private static DropReason checkLength(int type, int length) {
        return switch (type) {
            case WireFormat.TYPE_HANDSHAKE_INIT -> exactly(length, WireFormat.HANDSHAKE_INIT_LENGTH);
            case WireFormat.TYPE_HANDSHAKE_RESPONSE -> atLeast(length, HandshakeResponse.FIXED_LENGTH + HandshakeResponse.MIN_NOISE_LENGTH);
            case WireFormat.TYPE_HANDSHAKE_FINAL -> atLeast(length, HandshakeFinal.FIXED_LENGTH + HandshakeFinal.MIN_NOISE_LENGTH);
            case WireFormat.TYPE_DATA -> atLeast(length, WireFormat.DATA_HEADER_LENGTH + WireFormat.TAG_LENGTH);
            case WireFormat.TYPE_RELAY, WireFormat.TYPE_RELAYED -> atLeast(length, WireFormat.RELAY_HEADER_LENGTH + WireFormat.HEADER_LENGTH);
            case WireFormat.TYPE_FORWARD -> atLeast(length, WireFormat.FORWARD_HEADER_LENGTH + WireFormat.HEADER_LENGTH);
            default -> exactly(length, CookieReply.LENGTH);
        };
    }

    private static DropReason exactly(int length, int expected) {
        return length < expected ? DropReason.TRUNCATED : length > expected ? DropReason.OVERSIZED : null;
    }

    private static DropReason atLeast(int length, int minimum) {
        return length < minimum ? DropReason.TRUNCATED : null;
    }

    private static Result drop(DropReason reason) {
        return new Result(null, reason);
    }
}
