package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every peer a node knows, by address, in the order they became known; and the provisional peers,
 * contacted by endpoint alone, whose handshake has not yet said who they are. Shared by the session
 * engine's rooms: handshakes file peers here, the timers forget idle ones. Confined to the event loop, but for
 * {@link #snapshots()}, which other threads read.
 */
final class PeerTable {

    private final Map<PilotAddress, Peer> byAddress = new LinkedHashMap<>();
    private final List<Peer> provisional = new ArrayList<>();
    private final PeerSnapshots snapshots = new PeerSnapshots();

    Peer get(PilotAddress address) {
        return byAddress.get(address);
    }

    /** Files a peer under its address, which must be known. */
    void add(Peer peer) {
        byAddress.put(peer.address, peer);
        snapshots.add(peer);
        peer.publish();
    }

    /** Forgets a peer (an idle one: see {@link KeyTimers}). */
    void remove(Peer peer) {
        byAddress.remove(peer.address, peer);
        snapshots.remove(peer);
    }

    /** The peers' snapshots, for any thread. */
    PeerSnapshots snapshots() {
        return snapshots;
    }

    Collection<Peer> all() {
        return byAddress.values();
    }

    int size() {
        return byAddress.size();
    }

    void addProvisional(Peer peer) {
        provisional.add(peer);
    }

    void removeProvisional(Peer peer) {
        provisional.remove(peer);
    }

    /** The provisional peers, as a live view; copy it before changing the table while walking it. */
    List<Peer> provisional() {
        return provisional;
    }
}
