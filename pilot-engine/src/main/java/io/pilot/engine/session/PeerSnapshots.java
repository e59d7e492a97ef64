package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peers a node knows by address, for any thread to read their {@link PeerSnapshot}s without a round trip to
 * the event loop. The loop files and forgets peers here as {@link PeerTable} does (rarely); what changes often,
 * RTT and path, each peer publishes in its own snapshot field, so the map is not written per packet.
 */
public final class PeerSnapshots {

    private final Map<PilotAddress, Peer> byAddress = new ConcurrentHashMap<>();

    /** The last snapshot the loop published of {@code address}'s session, or null if the node has no such peer. */
    public PeerSnapshot of(PilotAddress address) {
        Peer peer = byAddress.get(address);
        return peer == null ? null : peer.snapshot();
    }

    void add(Peer peer) {
        byAddress.put(peer.address, peer);
    }

    void remove(Peer peer) {
        byAddress.remove(peer.address, peer);
    }
}
