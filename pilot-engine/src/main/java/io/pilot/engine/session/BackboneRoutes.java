package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;

import java.net.InetSocketAddress;

/**
 * Where a relay that is one of several backbones of a realm sends a relayed datagram for a node attached to
 * another backbone. The backbone role answers it from the shared directory; a lone relay has none
 * ({@link #NONE}), and relays only between its own session peers. Asked on the event loop for every relayed
 * datagram, so it must answer from memory.
 */
@FunctionalInterface
public interface BackboneRoutes {

    /** A relay on its own: every node it relays for must hold a session with it. */
    BackboneRoutes NONE = node -> null;

    /**
     * The endpoint of the other backbone of the realm {@code node} is attached to, or null if it is attached to
     * this one or to none known (then only a session with this relay can carry its datagrams).
     */
    InetSocketAddress backboneOf(PilotAddress node);
}
