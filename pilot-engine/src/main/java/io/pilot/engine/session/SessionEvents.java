package io.pilot.engine.session;

import io.pilot.engine.transport.ConnectionHandler;

/** What the layer above sessions (messages, the node's listeners) hears from the session engine. */
public interface SessionEvents {

    /**
     * The handler for a new connection with {@code peer}: streams and datagrams the peer opens, and the
     * connection's end (closed, timed out, or replaced because the peer restarted).
     */
    ConnectionHandler connectionHandler(Peer peer);

    /** A handshake completed; {@code newConnection} when it started a new connection (first contact or a peer restart). */
    void established(Peer peer, boolean newConnection);
}
