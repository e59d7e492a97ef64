package io.pilot.engine.session;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The half-open handshakes this node answered as responder and whose final message has not arrived, keyed
 * by where the initiation came from and its sender index, so a repeated INIT finds the answer already
 * given. Each one's index lives in the {@link IndexTable} for exactly as long as it is held here. Confined
 * to the event loop.
 *
 * <p>Two lanes share the {@code capacity}: initiations that came through the relay may hold at most an
 * eighth of it ({@link #relayedCapacity}), direct ones the rest, so relayed datagrams (whose wrapper nothing
 * authenticates) can never crowd out direct handshakes. A lane is <em>crowded</em> once it holds an eighth
 * of its own capacity: from then on the {@link HandshakeGuard} asks every initiation for a cookie, so the
 * rest of the lane fills only with initiators that proved their source. A full lane makes room by dropping
 * its oldest entry (each lives at most {@link #LIFETIME_NANOS}): a legitimate initiator's entry then lives
 * until an attacker has pushed a whole lane of cookie-proven initiations after it, far longer than the
 * round trip its final message needs.
 */
final class Responders {

    /** How long an answered INIT waits for its FINAL. */
    static final long LIFETIME_NANOS = 10_000_000_000L;
    /** The share of the table the relayed lane may hold, and the share of a lane that makes it crowded. */
    static final int SHARE_DIVISOR = 8;

    /** Each lane in insertion order, oldest first: the order in which its entries expire. */
    private final Map<SourceKey, Responder> direct = new LinkedHashMap<>();
    private final Map<SourceKey, Responder> relayed = new LinkedHashMap<>();
    private final IndexTable indexes;
    private final int directCapacity;
    private final int relayedCapacity;
    private long examined;

    Responders(IndexTable indexes, int capacity) {
        this.indexes = indexes;
        this.relayedCapacity = Math.max(1, capacity / SHARE_DIVISOR);
        this.directCapacity = Math.max(1, capacity - relayedCapacity);
    }

    /**
     * The key of an initiation: its route and the initiator's index (two initiators may share a NAT). A record, not
     * text: formatting the endpoint cost every INIT, FINAL and repeated INIT a string.
     */
    record SourceKey(Route from, int senderIndex) {
    }

    static SourceKey sourceKey(Route from, int senderIndex) {
        return new SourceKey(from, senderIndex);
    }

    Responder get(Route from, int senderIndex) {
        return lane(from).get(sourceKey(from, senderIndex));
    }

    /**
     * Whether the lane an initiation from {@code from} would go into holds an eighth of its capacity or more,
     * counting the {@code waiting} initiations of that lane the guard let through and no responder answered yet: each
     * will take a place.
     */
    boolean crowded(Route from, int waiting) {
        return lane(from).size() + waiting >= Math.max(1, capacity(from) / SHARE_DIVISOR);
    }

    /**
     * Holds {@code responder}; when its lane is full, expired entries go first, then the oldest one.
     *
     * @return whether a live half-open handshake was dropped to make room
     */
    boolean add(Responder responder, long now) {
        Map<SourceKey, Responder> lane = lane(responder.source);
        boolean evicted = false;
        if (lane.size() >= capacity(responder.source)) {
            expire(lane, now);
            if (lane.size() >= capacity(responder.source)) {
                Iterator<Responder> oldest = lane.values().iterator();
                indexes.remove(oldest.next().localIndex);
                oldest.remove();
                evicted = true;
            }
        }
        indexes.put(responder.localIndex, responder);
        lane.put(sourceKey(responder.source, responder.remoteIndex), responder);
        return evicted;
    }

    /** The FINAL arrived (or failed): the half-open state is done either way. */
    void remove(Responder responder) {
        indexes.remove(responder.localIndex);
        lane(responder.source).remove(sourceKey(responder.source, responder.remoteIndex));
    }

    /**
     * Drops the entries that outlived {@link #LIFETIME_NANOS}, at every tick of the session clock. Every entry
     * lives the same time and is added with the time its INIT arrived, INITs being answered in the order they
     * arrived ({@link InitBacklog}; a repeated INIT finds its entry, it never adds it again), so each lane's insertion order is its expiry order: only its oldest end is looked at,
     * the expired entries and the first one still alive. A tick costs O(expired), not the size of a table
     * an INIT flood keeps full.
     */
    void expire(long now) {
        expire(direct, now);
        expire(relayed, now);
    }

    /** When the oldest entry expires ({@link System#nanoTime}); {@link Long#MAX_VALUE} when none is held. */
    long earliestExpiry() {
        return Math.min(expiryOfOldest(direct), expiryOfOldest(relayed));
    }

    private static long expiryOfOldest(Map<SourceKey, Responder> lane) {
        return lane.isEmpty() ? Long.MAX_VALUE : lane.values().iterator().next().createdNanos + LIFETIME_NANOS;
    }

    /** Entries {@link #expire} (or a full lane's {@link #add}) looked at so far: the cost of expiry. */
    long examined() {
        return examined;
    }

    private void expire(Map<SourceKey, Responder> lane, long now) {
        Iterator<Responder> it = lane.values().iterator();
        while (it.hasNext()) {
            Responder responder = it.next();
            examined++;
            if (now - responder.createdNanos < LIFETIME_NANOS) {
                return; // the oldest one alive: every one after it is younger
            }
            indexes.remove(responder.localIndex);
            it.remove();
        }
    }

    int size() {
        return direct.size() + relayed.size();
    }

    /** Half-open handshakes that came through the relay. */
    int relayedSize() {
        return relayed.size();
    }

    private Map<SourceKey, Responder> lane(Route from) {
        return from.isRelayed() ? relayed : direct;
    }

    private int capacity(Route from) {
        return from.isRelayed() ? relayedCapacity : directCapacity;
    }
}
