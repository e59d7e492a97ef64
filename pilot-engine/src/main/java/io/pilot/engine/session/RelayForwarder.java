package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.limit.RateLimiter;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;

/**
 * The relay role (the backbone plays it): passes datagrams between two nodes that both hold a session with
 * this one. The sender is known by the endpoint its session runs on; the datagram goes on to the target's
 * endpoint, labelled with the sender's address. Whatever is inside stays sealed between the two ends.
 * Confined to the event loop.
 */
final class RelayForwarder {

    /**
     * What one node may send through this relay: 128 MiB/s with a burst of twice that. Real traffic fits
     * (a relayed bulk transfer on this hardware runs at ~100 MiB/s); one node cannot monopolise the relay.
     */
    static final int RELAY_BYTES_PER_SECOND = 128 << 20;
    /** Senders whose budgets are remembered (least recently seen forgotten first). */
    private static final int MAX_SENDERS = 100_000;

    private final Paths paths;
    private final PeerTable peers;
    private final SessionSettings settings;
    private final DropCounters drops;
    private final RateLimiter<PilotAddress> budgets;
    private boolean serving;
    private long relayedBytes;

    RelayForwarder(Paths paths, PeerTable peers, SessionSettings settings, DropCounters drops) {
        this(paths, peers, settings, drops, RELAY_BYTES_PER_SECOND);
    }

    /** With another budget per sender than {@link #RELAY_BYTES_PER_SECOND}: for tests. */
    RelayForwarder(Paths paths, PeerTable peers, SessionSettings settings, DropCounters drops, int bytesPerSecond) {
        this.budgets = new RateLimiter<>(bytesPerSecond, MAX_SENDERS);
        this.paths = paths;
        this.peers = peers;
        this.settings = settings;
        this.drops = drops;
    }

    void serve(boolean serve) {
        this.serving = serve;
    }

    /** Bytes passed on so far. */
    long relayedBytes() {
        return relayedBytes;
    }

    /** Only a node with a session here may send through the relay, only to a node with a session here. */
    void forward(RelayPacket relay, InetSocketAddress sender, long now) {
        Peer from = paths.peerAt(sender);
        if (!serving || from == null || from.relayed || !from.isEstablished(now, settings)) {
            drops.count(DropReason.NOT_ALLOWED);
            return;
        }
        Peer to = peers.get(relay.address());
        if (to == null || to.relayed || to.endpoint == null || !to.isEstablished(now, settings)) {
            drops.count(DropReason.UNKNOWN_SESSION);
            return;
        }
        int length = relay.inner().readableBytes();
        if (!budgets.tryAcquire(from.address, now, length)) {
            drops.count(DropReason.RATE_LIMITED);
            return;
        }
        relayedBytes += length;
        paths.send(RelayPacket.wrap(paths.allocator(), WireFormat.TYPE_RELAYED, from.address, relay.inner().retain()),
                to.endpoint);
    }
}
