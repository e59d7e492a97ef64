package io.pilot.engine.group;

import io.pilot.engine.address.PilotAddress;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests in flight from this node to each provider, for the selection policy's "fewest in flight". Counted
 * without a lock: every anycast counts its attempt up and down, and with many callers at once a map's per-key
 * lock ({@code ConcurrentHashMap.merge}) was where they queued. A provider's count lives only while it is above
 * zero: the one that brings it to zero retires it and takes it out, and a retired count is never counted up again
 * (the next request starts a fresh one), so no request is lost to a count being taken out under it. Thread-safe.
 */
final class InFlightCounts {

    private final ConcurrentHashMap<PilotAddress, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** Requests in flight to {@code provider} now. */
    int of(PilotAddress provider) {
        AtomicInteger count = counts.get(provider);
        return count == null ? 0 : count.get();
    }

    /** A request to {@code provider} starts. */
    void started(PilotAddress provider) {
        while (true) {
            AtomicInteger count = counts.get(provider);
            if (count == null) {
                if (counts.putIfAbsent(provider, new AtomicInteger(1)) == null) {
                    return;
                }
                continue;
            }
            int now = count.get();
            if (now == 0) {
                counts.remove(provider, count); // retired by the last one to end: help it out, then start afresh
            } else if (count.compareAndSet(now, now + 1)) {
                return;
            }
        }
    }

    /** A request to {@code provider} that {@link #started} ended. */
    void ended(PilotAddress provider) {
        AtomicInteger count = counts.get(provider); // the one it was counted in: a count above zero stays in place
        if (count != null && count.decrementAndGet() == 0) {
            counts.remove(provider, count);
        }
    }

    /** Providers with requests in flight, for tests. */
    int providers() {
        return counts.size();
    }
}
