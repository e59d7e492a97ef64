package io.pilot.engine.session;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.transport.Connection;
import java.util.LinkedHashSet;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiConsumer;

/**
 * Everything a node knows about one other node: its address and key (once authenticated), where it
 * is reached, the key pairs of its secure session, and the reliable {@link Connection} running over
 * them. Confined to the node's event loop, but for {@link #snapshot()}, which any thread reads.
 *
 * <p>Up to three key pairs live at once: {@code current} (sends), {@code previous} (still receives
 * while the peer switches over), and {@code next}, a key pair this node initiated that the peer has
 * not yet been seen using. The initiator switches its sending to {@code next} only once the peer
 * confirms it, so a lost final handshake message never stalls the data path.
 */
public final class Peer {

    /** Null only for a peer contacted by endpoint alone, until its handshake tells who it is. */
    PilotAddress address;
    NodeKey key;
    InetSocketAddress endpoint;

    /**
     * Other endpoints the peer may be reached at (local, reflexive...). A handshake goes to all of them at
     * once; whichever answers becomes {@link #endpoint}. Sending to both sides' candidates at the same time is
     * also what opens a path through two NATs.
     */
    List<InetSocketAddress> candidates = List.of();

    /** Traffic goes through the relay rather than to {@link #endpoint}; see {@link #pathReason}. */
    boolean relayed;
    /** Why the path is what it is, in words for an operator. */
    String pathReason = "";
    long nextProbeNanos;
    /** Routes the peer's packets came by that have not yet answered a challenge (§9 of RFC 9000). */
    final PendingPaths pendingPaths = new PendingPaths();

    Keypair current;
    Keypair previous;
    Keypair next;
    Initiation initiation;

    Connection connection;
    /**
     * The number both ends agreed for the current (or last) connection, -1 before this entry had one; key pairs
     * are bound to one ({@link Establishment}).
     */
    long connectionNumber = -1;
    long remoteBootId;

    long lastReceivedNanos;
    long lastSentNanos;
    /**
     * When the peer's traffic (not a probe) last arrived along its direct path, or the PATH_RESPONSE that moved this
     * side onto it: {@link Paths#roam} keeps such a path against packets the peer still sends through the relay.
     */
    long directHeardNanos;
    /** The direct route {@link #directHeardNanos} is about (null before any): the hold is that path's, not a later one's. */
    Route directHeardRoute;
    /** Whether, and when last, this node told the peer that its connection had ended here ({@link EndedNotices}). */
    boolean endedNoticeSent;
    long lastEndedNoticeNanos;
    long bytesIn;
    long bytesOut;

    /** Set by the key timers' visits: since when (and at which traffic) the peer has had nothing going on. */
    boolean idle;
    long idleSinceNanos;
    long idleActivityNanos;

    /** When the key timers next look at this peer ({@link PeerDeadlines}); {@link Long#MAX_VALUE} for never. */
    long dueNanos = Long.MAX_VALUE;
    /** The order the peer was first filed in the deadline queue: breaks ties between equal due times. */
    long dueOrder;

    ScheduledFuture<?> timer;
    long timerDeadline = Long.MAX_VALUE;

    final List<BiConsumer<Peer, Throwable>> waiters = new ArrayList<>();

    /** Written by the loop ({@link #publish()}), read by any thread. */
    private volatile PeerSnapshot snapshot = new PeerSnapshot(false, false, 0);

    Peer(PilotAddress address, NodeKey key, InetSocketAddress endpoint) {
        this.address = address;
        this.key = key;
        this.endpoint = endpoint;
    }

    public PilotAddress address() {
        return address;
    }

    /** The peer's key: configured, or learned from its first handshake; null before either. */
    public NodeKey key() {
        return key;
    }

    public InetSocketAddress endpoint() {
        return endpoint;
    }

    /** Where handshakes go: the current endpoint and every other candidate. */
    List<InetSocketAddress> handshakeTargets() {
        if (candidates.isEmpty()) {
            return endpoint == null ? List.of() : List.of(endpoint);
        }
        LinkedHashSet<InetSocketAddress> targets = new LinkedHashSet<>();
        if (endpoint != null) {
            targets.add(endpoint);
        }
        targets.addAll(candidates);
        return List.copyOf(targets);
    }

    /** Whether traffic to this peer goes through the relay. */
    public boolean isRelayed() {
        return relayed;
    }

    /** Why the path is direct or relayed. */
    public String pathReason() {
        return pathReason;
    }

    Route route() {
        return relayed ? Route.relayed(address) : Route.direct(endpoint);
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
    }

    /** The session's facts as the loop last published them; any thread may read it. */
    public PeerSnapshot snapshot() {
        return snapshot;
    }

    /**
     * On the loop, after anything that may change the snapshot's facts (a read batch or a timer acknowledged
     * packets, the path moved, the connection opened or ended): publishes a new snapshot if they changed.
     */
    void publish() {
        Connection c = connection;
        boolean established = c != null && !c.isClosed();
        long rtt = established ? c.smoothedRttNanos() : 0;
        PeerSnapshot last = snapshot;
        if (last.established() != established || last.relayed() != relayed || last.smoothedRttNanos() != rtt) {
            snapshot = new PeerSnapshot(established, relayed, rtt);
        }
    }

    /** The reliable connection, or null before the first handshake completes. */
    public Connection connection() {
        return connection;
    }

    /** The key pair to send with: the confirmed current one, or an unconfirmed one when there is nothing else. */
    Keypair sendingKeypair(long now, SessionSettings settings) {
        if (current != null && current.usable(now, settings)) {
            return current;
        }
        if (next != null && next.usable(now, settings)) {
            return next;
        }
        return null;
    }

    /**
     * The key pair to send transport packets with: a usable one bound to the current connection (current, next or
     * previous: after crossed handshakes the newest keys may belong to a connection both ends have left), or null.
     * Keys awaiting their confirmation are bound to none, so nothing of the connection goes out under them.
     */
    Keypair dataKeypair(long now, SessionSettings settings) {
        if (carries(current, now, settings)) {
            return current;
        }
        if (carries(next, now, settings)) {
            return next;
        }
        return carries(previous, now, settings) ? previous : null;
    }

    private boolean carries(Keypair keypair, long now, SessionSettings settings) {
        return keypair != null && keypair.connectionNumber == connectionNumber && keypair.usable(now, settings);
    }

    boolean isEstablished(long now, SessionSettings settings) {
        return connection != null && !connection.isClosed() && dataKeypair(now, settings) != null;
    }

    @Override
    public String toString() {
        return "Peer[" + address + " @ " + HostPort.format(endpoint) + "]";
    }
}
