package io.pilot.engine.session;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The half-open handshakes this node answered as responder and whose final message has not arrived, keyed
 * by where the initiation came from and its sender index, so a repeated INIT finds the answer already
 * given. Bounded in number and in age so a flood of initiations cannot grow it; each one's index lives in
 * the {@link IndexTable} for exactly as long as it is held here. Confined to the event loop.
 */
final class Responders {

    /** How long an answered INIT waits for its FINAL. */
    static final long LIFETIME_NANOS = 10_000_000_000L;

    private final Map<String, Responder> bySource = new HashMap<>();
    private final IndexTable indexes;
    private final int capacity;

    Responders(IndexTable indexes, int capacity) {
        this.indexes = indexes;
        this.capacity = capacity;
    }

    /** The key of an initiation: its route and the initiator's index (two initiators may share a NAT). */
    static String sourceKey(Route from, int senderIndex) {
        return from + "#" + senderIndex;
    }

    Responder get(String sourceKey) {
        return bySource.get(sourceKey);
    }

    /** Whether one more fits, once expired ones are dropped if the table is full. */
    boolean hasRoom(long now) {
        if (bySource.size() >= capacity) {
            expire(now);
        }
        return bySource.size() < capacity;
    }

    void add(String sourceKey, Responder responder) {
        indexes.put(responder.localIndex, responder);
        bySource.put(sourceKey, responder);
    }

    /** The FINAL arrived (or failed): the half-open state is done either way. */
    void remove(Responder responder) {
        indexes.remove(responder.localIndex);
        bySource.values().remove(responder);
    }

    void expire(long now) {
        Iterator<Responder> it = bySource.values().iterator();
        while (it.hasNext()) {
            Responder responder = it.next();
            if (now - responder.createdNanos >= LIFETIME_NANOS) {
                indexes.remove(responder.localIndex);
                it.remove();
            }
        }
    }

    int size() {
        return bySource.size();
    }
}
