package io.pilot.engine.group;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The smoothed RTT of every peer this node has a session with, as anycasts rank providers by it. Reading it
 * from the node is a round trip to the node's event loop and a copy of every peer's counters: too much for
 * every call, and needless, since selection ranks RTTs in steps of milliseconds. So it is read at most once
 * per refresh interval, by the call that finds it stale; calls in between read the last copy.
 */
final class PeerRtts {

    private final PilotNode node;
    private final long refreshNanos;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Map<PilotAddress, Duration> rtts = Map.of();
    private volatile long readAtNanos;
    private volatile boolean read;

    PeerRtts(PilotNode node, Duration refresh) {
        this.node = node;
        this.refreshNanos = refresh.toNanos();
    }

    /** The peer's smoothed RTT as of the last read, or null if it had no session or no sample then. */
    Duration of(PilotAddress peer) {
        return rtts.get(peer);
    }

    /** Reads the RTTs again if the last read is older than the refresh interval (one caller does). */
    void refreshIfStale(long nowNanos) {
        if (read && nowNanos - readAtNanos < refreshNanos || !refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            Map<PilotAddress, Duration> fresh = new HashMap<>();
            for (PeerInfo peer : node.peers()) {
                if (peer.established() && peer.smoothedRtt() != null) {
                    fresh.put(peer.address(), peer.smoothedRtt());
                }
            }
            rtts = fresh;
            readAtNanos = nowNanos;
            read = true;
        } finally {
            refreshing.set(false);
        }
    }
}
