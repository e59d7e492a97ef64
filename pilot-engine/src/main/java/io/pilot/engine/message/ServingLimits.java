package io.pilot.engine.message;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many requests each port may have in progress (handed to the handler executor and not yet answered), and
 * how many it has. A request past its port's limit is refused at once (OVERLOADED) instead of waiting in the
 * executor's queue: a slow handler then holds back only the requests it is allowed to, and the queue stays bounded.
 * Requests are admitted and answered on the event loop only; limits may be set from any thread.
 */
final class ServingLimits {

    /** No limit: as many requests as the executor accepts. */
    static final int UNLIMITED = Integer.MAX_VALUE;

    private final Map<Integer, Integer> limits = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> serving = new HashMap<>();

    /** Sets {@code port}'s limit; {@link #UNLIMITED} removes it. */
    void limit(int port, int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("a port's concurrency limit must be at least 1, got " + maxConcurrent);
        }
        if (maxConcurrent == UNLIMITED) {
            limits.remove(port);
        } else {
            limits.put(port, maxConcurrent);
        }
    }

    /** The limit of {@code port}, or {@link #UNLIMITED}. */
    int limit(int port) {
        return limits.getOrDefault(port, UNLIMITED);
    }

    /** Counts a request on {@code port} in, unless the port is at its limit: then false, and nothing counted. */
    boolean tryEnter(int port) {
        int now = serving.getOrDefault(port, 0);
        if (now >= limit(port)) {
            return false;
        }
        serving.put(port, now + 1);
        return true;
    }

    /** Counts an answered (or refused) request on {@code port} out. */
    void exit(int port) {
        serving.computeIfPresent(port, (p, n) -> n == 1 ? null : n - 1);
    }

    /** Requests on {@code port} in progress. */
    int serving(int port) {
        return serving.getOrDefault(port, 0);
    }
}
