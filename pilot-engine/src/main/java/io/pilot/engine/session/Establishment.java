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
 * What follows a completed handshake: agreeing with the peer which transport connection the new keys carry
 * (a new one on first contact, after a restart or a closed connection; otherwise the current one), making
 * that connection, telling the layer above and whoever waited, and sending what is ready. Confined to the
 * event loop.
 *
 * <p>Both ends name a connection by one <b>connection number</b>, and for every handshake the responder
 * decides the number and tells it in its confirmation, so both ends bind the handshake's keys to the same
 * connection whatever order crossed handshakes finish in (PROTOCOL.md §4.12). Numbers only grow at either
 * end: a number above the one this end holds means a new connection; an equal one, the current connection;
 * a lower one, a connection both ends have left (its packets are dropped as stale at both).
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

    /** Whether transport packets under {@code keypair} belong to {@code peer}'s current connection. */
    static boolean carriesConnection(Peer peer, Keypair keypair) {
        return keypair.connectionNumber == peer.connectionNumber && peer.connection != null;
    }

    /**
     * The connection number this side states for {@code peer} in a handshake: the one it holds, 0 for a peer entry
     * that never had a connection. A peer entry is forgotten only after {@code peerIdleTimeout} (5 min) with no
     * datagram either way, by which time the peer's side of any connection has closed too (its keepalives would have
     * been traffic; unanswered, its idle and unresponsive timeouts close it), so an entry made anew meets no live
     * connection that its 0 would pass for a crossing with. Numbers agreed with one peer never raise what another is
     * told: a peer stating a huge number can only spend its own pair's range.
     */
    long statedNumber(Peer peer) {
        return Math.max(peer.connectionNumber, 0);
    }

    /**
     * As responder: the number of the connection a finished handshake carries (PROTOCOL.md §4.12). The higher of
     * the two ends' numbers when that connection is live at either end as far as the initiator says: the current
     * one for a rekey; the initiator's, if it holds a live connection this side has yet to hear of (a crossed
     * handshake made it there); this side's, if the initiator asks for a new connection but this side already
     * moved past the number it stated (a crossed handshake made that one, as fresh as another would be).
     * Otherwise a new connection, numbered above both.
     */
    long decide(Peer peer, IdentityProof remote, boolean initiatorFresh, long initiatorNumber) {
        long mine = statedNumber(peer);
        long newest = Math.max(mine, initiatorNumber);
        boolean live = !needsFreshConnection(peer, remote);
        boolean keep = initiatorFresh ? live && mine > initiatorNumber : live || initiatorNumber > mine;
        return keep ? newest : newest + 1;
    }

    /**
     * {@code keypair} now carries {@code peer}'s connection number {@code number}, which both ends agreed
     * ({@link #decide}): a number above the current one makes a new connection. Returns whether the peer now
     * has a live connection; only then are its waiters answered (an initiator told the number of a connection
     * it has since closed must start over).
     */
    boolean established(Peer peer, Keypair keypair, long number, long now) {
        completed++;
        boolean newConnection = number > peer.connectionNumber;
        if (newConnection) {
            if (peer.connection != null && !peer.connection.isClosed()) {
                peer.connection.close(0, peer.remoteBootId != keypair.remoteBootId ? "peer restarted"
                        : "peer started a new connection");
            }
            peer.connectionNumber = number;
            peer.remoteBootId = keypair.remoteBootId;
            // Both ends must agree who opens even stream ids without a word: the lower key does.
            boolean even = Arrays.compareUnsigned(localKey.toBytes(), peer.key.toBytes()) < 0;
            peer.connection = new Connection(transportConfig, even, events.connectionHandler(peer), now);
        }
        keypair.connectionNumber = number;
        events.established(peer, newConnection);
        // Before the waiters: a caller woken by its connect may read the snapshot at once.
        peer.publish();
        boolean live = peer.connection != null && !peer.connection.isClosed();
        if (live) {
            List<BiConsumer<Peer, Throwable>> waiting = new ArrayList<>(peer.waiters);
            peer.waiters.clear();
            waiting.forEach(w -> w.accept(peer, null));
        }
        flush.accept(peer, now);
        return live;
    }
}
