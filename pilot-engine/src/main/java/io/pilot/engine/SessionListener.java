package io.pilot.engine;

/**
 * Hears about secure sessions coming and going. Called on the node's callback executor, so it may
 * block without stalling the network.
 */
public interface SessionListener {

    /** A handshake with a peer completed. {@code newConnection} is false for a rekey of a running session. */
    default void sessionEstablished(PeerInfo peer, boolean newConnection) {
    }

    /** A peer's connection ended: closed by either side, idle, or replaced because the peer restarted. */
    default void sessionClosed(PeerInfo peer, String reason) {
    }
}
