package io.pilot.engine.session;

import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.transport.TransportConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.ObjLongConsumer;

/**
 * What follows a completed handshake: deciding whether it starts a new transport connection with the peer
 * (first contact, a restart, or either side asking for one) or carries on the current one, making that
 * connection, telling the layer above and whoever waited, and sending what is ready. Confined to the event
 * loop.
 */
final class Establishment {

    private final NodeKey localKey;
    private final TransportConfig transportConfig;
    private final SessionEvents events;
    private final ObjLongConsumer<Peer> flush;
    private long completed;

    /** @param flush sends whatever the peer's connection has ready (the session engine's data path) */
    Establishment(NodeKey localKey, TransportConfig transportConfig, SessionEvents events, ObjLongConsumer<Peer> flush) {
        this.localKey = localKey;
        this.transportConfig = transportConfig;
        this.events = events;
        this.flush = flush;
    }

    /** Handshakes completed so far, on either side. */
    long completed() {
        return completed;
    }

    /** Whether this side must start a new connection with {@code peer}: it has none, or the peer restarted. */
    static boolean needsFreshConnection(Peer peer, IdentityProof remote) {
        return peer.connection == null || peer.connection.isClosed() || peer.remoteBootId != remote.bootId();
    }

    /** {@code keypair} now carries {@code peer}'s traffic; {@code newConnection} if either side asked for one. */
    void established(Peer peer, Keypair keypair, boolean newConnection, long now) {
        completed++;
        if (newConnection && crossedWithRecentConnection(peer, keypair)) {
            // Both sides initiated at once (a punch, or two first contacts): each handshake asks for a fresh
            // connection, but the one just made by the other handshake is as fresh as a new one would be.
            newConnection = false;
        }
        if (newConnection) {
            peer.connectionCreatedNanos = now;
            peer.connectionGeneration++;
            if (peer.connection != null && !peer.connection.isClosed()) {
                peer.connection.close(0, peer.remoteBootId != keypair.remoteBootId ? "peer restarted"
                        : "peer started a new connection");
            }
            peer.remoteBootId = keypair.remoteBootId;
            // Both ends must agree who opens even stream ids without a word: the lower key does.
            boolean even = Arrays.compareUnsigned(localKey.toBytes(), peer.key.toBytes()) < 0;
            peer.connection = new Connection(transportConfig, even, events.connectionHandler(peer), now);
        }
        keypair.generation = peer.connectionGeneration;
        events.established(peer, newConnection);
        // Before the waiters: a caller woken by its connect may read the snapshot at once.
        peer.publish();
        List<BiConsumer<Peer, Throwable>> waiting = new ArrayList<>(peer.waiters);
        peer.waiters.clear();
        waiting.forEach(w -> w.accept(peer, null));
        flush.accept(peer, now);
    }

    /** The current connection was made by another handshake that finished while this one was under way. */
    private static boolean crossedWithRecentConnection(Peer peer, Keypair keypair) {
        return peer.connection != null && !peer.connection.isClosed() && peer.remoteBootId == keypair.remoteBootId
                && peer.connectionCreatedNanos > keypair.handshakeStartedNanos;
    }
}
