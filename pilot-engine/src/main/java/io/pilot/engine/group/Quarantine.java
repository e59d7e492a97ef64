package io.pilot.engine.group;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.NodeRecord;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Providers set aside after a failure that says they may be gone (unreachable, connection lost, nothing
 * listening, no answer), so that the next anycasts ask the others first instead of paying the same failure
 * again. The directory only learns of a provider's death when its lease lapses; this is what a caller learns
 * on its own, at once. A provider comes back when the directory shows a newer record of it (it restarted or
 * republished), when it answers (a request, or the ping an anycast sends before it asks a provider held here: see
 * {@link Vetting}) or when its time is up. Thread-safe.
 */
final class Quarantine {

    /** Bounds memory: far more providers than one node ever calls. */
    static final int MAX_HELD = 10_000;

    /** A provider held back since its record of {@code sequence} failed, until {@code untilNanos}. */
    private record Held(long sequence, long untilNanos) {
    }

    private final long durationNanos;
    private final Map<PilotAddress, Held> held = new ConcurrentHashMap<>();

    Quarantine(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("quarantine must not be negative");
        }
        this.durationNanos = duration.toNanos();
    }

    /** Sets {@code provider} aside from now on. */
    void add(NodeRecord provider, long nowNanos) {
        if (durationNanos == 0) {
            return;
        }
        if (held.size() >= MAX_HELD) {
            held.values().removeIf(h -> nowNanos - h.untilNanos() >= 0);
            if (held.size() >= MAX_HELD) {
                return;
            }
        }
        held.put(provider.address(), new Held(provider.sequence(), nowNanos + durationNanos));
    }

    /** Takes {@code provider} back: it answered. */
    void release(PilotAddress provider) {
        held.remove(provider);
    }

    /** Whether {@code provider}, as this record shows it, is still set aside. */
    boolean holds(NodeRecord provider, long nowNanos) {
        Held entry = held.get(provider.address());
        if (entry == null) {
            return false;
        }
        if (provider.sequence() > entry.sequence() || nowNanos - entry.untilNanos() >= 0) {
            held.remove(provider.address(), entry);
            return false;
        }
        return true;
    }
}
