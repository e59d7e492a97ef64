package io.pilot.engine;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.session.Peer;
import io.pilot.engine.transport.ConnectionStats;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A snapshot of what a node knows about one peer.
 *
 * @param address the peer's address
 * @param key the peer's key, or null if it was never authenticated
 * @param endpoint where its datagrams come from and go to (follows the peer when it roams)
 * @param established whether a secure session is up
 * @param smoothedRtt the transport's smoothed round-trip time, or null before a sample
 * @param bytesIn datagram bytes received from it
 * @param bytesOut datagram bytes sent to it
 * @param transport the reliable connection's counters (loss, window, streams), or null without a connection
 * @param relayed whether traffic goes through the relay instead of straight to {@code endpoint}
 * @param pathReason why the path is direct or relayed (and over TCP), in words for an operator
 * @param bearer what carries the datagrams: {@code udp}, or {@code tcp} when they go over a WebSocket
 *        (docs/reach.md)
 */
public record PeerInfo(PilotAddress address, NodeKey key, InetSocketAddress endpoint, boolean established,
                       Duration smoothedRtt, long bytesIn, long bytesOut, ConnectionStats transport, boolean relayed,
                       String pathReason, String bearer) {

    /** A peer reached over UDP. */
    public PeerInfo(PilotAddress address, NodeKey key, InetSocketAddress endpoint, boolean established,
            Duration smoothedRtt, long bytesIn, long bytesOut, ConnectionStats transport, boolean relayed,
            String pathReason) {
        this(address, key, endpoint, established, smoothedRtt, bytesIn, bytesOut, transport, relayed, pathReason,
                "udp");
    }

    /** Whether the datagrams go over TCP (a WebSocket) rather than UDP. */
    public boolean overTcp() {
        return "tcp".equals(bearer);
    }

    /** This snapshot of a relayed peer with the relay its datagrams go through named in its reason. */
    PeerInfo through(InetSocketAddress relay) {
        return new PeerInfo(address, key, endpoint, established, smoothedRtt, bytesIn, bytesOut, transport, relayed,
                pathReason + "; through the relay at " + HostPort.format(relay), bearer);
    }

    /** This snapshot with its datagrams carried over TCP, for the reason {@code why}. */
    PeerInfo overTcp(String why) {
        return new PeerInfo(address, key, endpoint, established, smoothedRtt, bytesIn, bytesOut, transport, relayed,
                pathReason + "; over TCP: " + why, "tcp");
    }

    /** The peer, its endpoint written as users type it ({@code [2001:db8::1]:7400}), its path and counters. */
    @Override
    public String toString() {
        return "PeerInfo[" + address + " at " + HostPort.format(endpoint) + (relayed ? ", relayed" : ", direct")
                + (established ? ", established" : "") + (smoothedRtt != null ? ", rtt " + smoothedRtt.toNanos() / 1_000 + " us" : "")
                + ", in " + bytesIn + " B, out " + bytesOut + " B, " + pathReason + "]";
    }

    /** What the node knows of {@code peer} right now; on the event loop, which owns the peer. */
    static PeerInfo of(Peer peer) {
        Duration rtt = null;
        ConnectionStats stats = null;
        boolean established = peer.connection() != null && !peer.connection().isClosed();
        if (established) {
            stats = peer.connection().stats();
            rtt = stats.minRttNanos() > 0 ? Duration.ofNanos(stats.smoothedRttNanos()) : null;
        }
        return new PeerInfo(peer.address(), peer.key(), peer.endpoint(), established, rtt, peer.bytesIn(),
                peer.bytesOut(), stats, peer.isRelayed(), peer.pathReason());
    }

    /** {@code peer} as its connection ends: no longer established, so no round-trip time or transport counters. */
    static PeerInfo ended(Peer peer) {
        return new PeerInfo(peer.address(), peer.key(), peer.endpoint(), false, null, peer.bytesIn(),
                peer.bytesOut(), null, peer.isRelayed(), peer.pathReason());
    }
}
