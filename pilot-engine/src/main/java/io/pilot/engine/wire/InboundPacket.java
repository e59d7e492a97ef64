package io.pilot.engine.wire;

import io.pilot.engine.wire.WirePacket;

import java.net.InetSocketAddress;

/** A decoded datagram and where it came from. */
public record InboundPacket(WirePacket packet, InetSocketAddress sender) {
}
