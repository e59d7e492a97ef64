package io.pilot.engine.session;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One peer's routes under validation, at most {@link #MAX_PENDING}: when a new one starts while the list is
 * full, the oldest is forgotten, so packets from many forged sources cost a bounded amount of state and a
 * genuine route is challenged again by the peer's next packet. Confined to the event loop.
 */
final class PendingPaths {

    static final int MAX_PENDING = 8;

    private final List<PendingPath> paths = new ArrayList<>(1);

    PendingPath find(Route route) {
        for (PendingPath path : paths) {
            if (path.route.equals(route)) {
                return path;
            }
        }
        return null;
    }

    /** The path a PATH_RESPONSE with {@code data} validates, or null. */
    PendingPath answeredBy(long data) {
        for (PendingPath path : paths) {
            if (path.data == data) {
                return path;
            }
        }
        return null;
    }

    void add(PendingPath path) {
        if (paths.size() >= MAX_PENDING) {
            paths.remove(0);
        }
        paths.add(path);
    }

    /** Forgets routes that did not answer within {@code timeoutNanos}. */
    void expire(long now, long timeoutNanos) {
        Iterator<PendingPath> it = paths.iterator();
        while (it.hasNext()) {
            if (now - it.next().startedNanos >= timeoutNanos) {
                it.remove();
            }
        }
    }

    List<PendingPath> all() {
        return paths;
    }

    boolean isEmpty() {
        return paths.isEmpty();
    }

    int size() {
        return paths.size();
    }

    void clear() {
        paths.clear();
    }
}
