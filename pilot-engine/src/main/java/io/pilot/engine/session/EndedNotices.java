package io.pilot.engine.session;

import java.nio.ByteBuffer;

/**
 * Telling a peer that the connection its datagrams are for has ended here (docs/PROTOCOL.md §4.12). A node closes a
 * connection without a word when the peer stopped answering (the unresponsive and idle timeouts); if the peer is in
 * fact alive (its datagrams were lost, or it was paused), it goes on sending under keys whose connection is gone, and
 * until its own timeout (10 s, more while it only heartbeats) its requests vanish. So a datagram that opens under the
 * keys of the connection this node ended, with no newer one, is answered with a one-byte DATA plaintext under the same
 * keys: only the holder of the keys can send it, and the peer ends its side at once and starts over. At most one a
 * second per peer, so a stream of stale datagrams gets no stream of answers. Confined to the event loop.
 */
final class EndedNotices {

    /** DATA plaintext of exactly one byte: no probe (empty), confirmation (six), path frame (seven) or packet (8+). */
    static final int LENGTH = 1;
    /** The notice's byte: 1, so that a plaintext of one zero byte means nothing. */
    static final byte ENDED = 1;
    /** The least time between two notices to one peer. */
    static final long MIN_INTERVAL_NANOS = 1_000_000_000L;

    private final Paths paths;
    private final ByteBuffer notice = ByteBuffer.allocate(LENGTH);
    private long sent;
    private long received;

    EndedNotices(Paths paths) {
        this.paths = paths;
    }

    /**
     * Whether {@code keypair} carries the connection this node last had with its peer, which has ended, with no newer
     * one: keys never bound to a connection (a handshake not yet confirmed) or bound to an older one get no notice.
     */
    static boolean endedHere(Peer peer, Keypair keypair) {
        return peer.connection == null && keypair.connectionNumber >= 0
                && keypair.connectionNumber == peer.connectionNumber;
    }

    /**
     * A datagram opened under {@code keypair}, whose connection ended here, came by {@code from}: tells the peer there,
     * where it sends from now (after a NAT rebinding, the peer's route here may be its old one until validated), unless
     * told just now. The notice is smaller than the authenticated datagram it answers, so it amplifies nothing.
     */
    void onStale(Peer peer, Keypair keypair, Route from, long now) {
        if (!endedHere(peer, keypair) || peer.endedNoticeSent && now - peer.lastEndedNoticeNanos < MIN_INTERVAL_NANOS) {
            return;
        }
        peer.endedNoticeSent = true;
        peer.lastEndedNoticeNanos = now;
        notice.clear();
        notice.put(ENDED).flip();
        paths.sendSealed(keypair, notice, from);
        peer.lastSentNanos = now;
        sent++;
    }

    /**
     * A one-byte plaintext from the peer under {@code keypair}: if it is a notice ({@link #ENDED}) and the keys carry
     * this node's current connection, that connection ends here too and the next use starts a new one. Returns
     * false when it is no notice (another byte: the caller counts it as the truncated packet it is).
     */
    boolean onOneByte(Peer peer, Keypair keypair, ByteBuffer plaintext) {
        if (plaintext.get(plaintext.position()) != ENDED) {
            return false;
        }
        if (ends(peer, keypair)) {
            received++;
            peer.connection.endedByPeer("the peer had already ended this connection (it heard nothing from here in time)");
        }
        return true;
    }

    /**
     * Whether a notice under {@code keypair} ends {@code peer}'s connection: only if the keys carry it and it is open;
     * a notice under an older connection's keys changes nothing.
     */
    static boolean ends(Peer peer, Keypair keypair) {
        return Establishment.carriesConnection(peer, keypair) && !peer.connection.isClosed();
    }

    long sent() {
        return sent;
    }

    long received() {
        return received;
    }
}
