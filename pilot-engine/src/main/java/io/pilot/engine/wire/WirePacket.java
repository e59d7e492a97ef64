package io.pilot.engine.wire;

/**
 * A datagram decoded and length-checked, but not yet authenticated: its contents are whatever the
 * network sent until the session layer has verified them.
 */
public sealed interface WirePacket permits HandshakeInit, HandshakeResponse, HandshakeFinal, DataPacket, CookieReply, RelayPacket,
        ForwardPacket {
}
