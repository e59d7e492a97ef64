package io.pilot.engine.directory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Events that arrived before the reply to their watch (they travel on separate streams), held briefly
 * so the watch applies them once it is registered. Bounded in age and number: events for a subscription
 * nobody claims are dropped.
 */
final class OrphanEvents {

    static final long MAX_AGE_MILLIS = 10_000;
    static final int MAX_HELD = 1024;

    private record Held(int kind, long revision, NodeRecord record, long previous, long atMillis) {
    }

    private final Map<Integer, List<Held>> held = new HashMap<>();

    /**
     * @param previous          the revision of the subscription's event before it, or {@link Watch#NOT_CHAINED}
     * @param awaitingSubscriptions whether a watch's reply is on its way: then nothing is dropped for its age, as the
     *                          events may be that watch's and a reply in pages may take longer than the age limit
     */
    synchronized void hold(int subscription, int kind, long revision, NodeRecord record, long previous, long nowMillis,
                           boolean awaitingSubscriptions) {
        if (!awaitingSubscriptions) {
            held.values().forEach(list -> list.removeIf(h -> nowMillis - h.atMillis() > MAX_AGE_MILLIS));
            held.values().removeIf(List::isEmpty);
        }
        if (held.values().stream().mapToInt(List::size).sum() < MAX_HELD) {
            held.computeIfAbsent(subscription, k -> new ArrayList<>()).add(new Held(kind, revision, record, previous, nowMillis));
        }
    }

    /** Hands the watch the events held for its subscription, in the order they arrived. */
    synchronized void release(Watch watch) {
        List<Held> events = held.remove(watch.id());
        if (events != null) {
            events.forEach(h -> watch.apply(h.kind(), h.revision(), h.record(), h.previous()));
        }
    }
}
