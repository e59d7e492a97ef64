package io.pilot.benchmarks;

import java.util.Comparator;
import java.util.TreeSet;

/**
 * When each of a {@link SessionLoadGenerator}'s sessions next needs {@link LightSession#onTimer}: a queue ordered by
 * (due time, session number) holding each session at most once. Filing a session again moves it, so the queue never
 * holds more entries than sessions, and a session runs its timers once per due time. The queue it replaces took an
 * entry per event and kept the stale ones: at 1,000 sessions it grew by some 180 entries a second and ran each
 * session's timers 17 times per heartbeat, each run sealing into a fresh 64 KiB buffer. Confined to the generator's
 * one thread.
 */
final class SessionDeadlines {

    /** A session is never due twice at the same instant: a time that did not move on would spin the generator. */
    static final long MIN_STEP_NANOS = 1_000_000;

    private static final Comparator<LightSession> BY_DUE_TIME = Comparator.<LightSession>comparingLong(s -> s.dueNanos)
            .thenComparingInt(s -> s.number);

    private final TreeSet<LightSession> queue = new TreeSet<>(BY_DUE_TIME);

    /**
     * Files {@code session} at {@code atNanos} (a {@link LightSession#onTimer} answer, run at {@code now}), at the
     * earliest {@link #MIN_STEP_NANOS} after now; {@link Long#MAX_VALUE} takes it out.
     */
    void file(LightSession session, long atNanos, long now) {
        if (session.dueNanos != Long.MAX_VALUE) {
            queue.remove(session);
        }
        session.dueNanos = atNanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(atNanos, now + MIN_STEP_NANOS);
        if (session.dueNanos != Long.MAX_VALUE) {
            queue.add(session);
        }
    }

    /** The earliest session due at {@code now}, taken out of the queue; null when none is. */
    LightSession takeDue(long now) {
        if (queue.isEmpty() || queue.first().dueNanos > now) {
            return null;
        }
        LightSession session = queue.pollFirst();
        session.dueNanos = Long.MAX_VALUE;
        return session;
    }

    /** The earliest due time, or {@link Long#MAX_VALUE} when no session has one. */
    long earliest() {
        return queue.isEmpty() ? Long.MAX_VALUE : queue.first().dueNanos;
    }

    /** Sessions with a due time. */
    int size() {
        return queue.size();
    }
}
