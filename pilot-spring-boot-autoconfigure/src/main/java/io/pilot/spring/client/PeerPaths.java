package io.pilot.spring.client;

import io.pilot.engine.address.PilotAddress;
import io.pilot.spring.observation.PilotPath;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * How each peer is reached (direct or relayed), as every call's reply and observation report it. Reading it from
 * the node is a round trip to the node's event loop: after the loop has just woken the caller with the reply, that
 * would hand the caller to the loop and back once more on every call. The path changes seldom (a NAT rebinding, a
 * fallback to the relay), so a known path is read again at most once per refresh interval; a path not known (no
 * session yet, or it closed) is not kept, and is read again by the next call.
 */
final class PeerPaths {

    /** More peers than a client calls in practice: when exceeded, everything is read afresh. */
    static final int MAX_PEERS = 1024;

    private record Known(PilotPath path, long readAtNanos) {
    }

    private final Function<PilotAddress, PilotPath> read;
    private final long refreshNanos;
    private final Map<PilotAddress, Known> known = new ConcurrentHashMap<>();

    /** @param read asks the node how it reaches a peer right now */
    PeerPaths(Function<PilotAddress, PilotPath> read, Duration refresh) {
        this.read = read;
        this.refreshNanos = refresh.toNanos();
    }

    /** The path to {@code peer} as of at most one refresh interval before {@code nowNanos}; UNKNOWN for null. */
    PilotPath of(PilotAddress peer, long nowNanos) {
        if (peer == null) {
            return PilotPath.UNKNOWN;
        }
        Known last = known.get(peer);
        if (last != null && nowNanos - last.readAtNanos() < refreshNanos) {
            return last.path();
        }
        PilotPath path = read.apply(peer);
        if (path == PilotPath.UNKNOWN) {
            known.remove(peer);
            return path;
        }
        if (known.size() >= MAX_PEERS) {
            known.clear();
        }
        known.put(peer, new Known(path, nowNanos));
        return path;
    }
}
