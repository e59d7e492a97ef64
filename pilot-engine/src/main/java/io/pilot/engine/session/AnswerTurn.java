package io.pilot.engine.session;

import java.util.function.LongSupplier;

/**
 * How many INITs a turn of answering takes from the {@link InitBacklog} (docs/PROTOCOL.md §4.10):
 * {@link #INITS_PER_TURN} (fewer if fewer wait); while the backlog is crowded, at least that many and more for as long
 * as the event loop spent on everything else since the previous turn ended, up to {@link #MAX_TURN_NANOS}. A node
 * answers a few INITs a second and its backlog is never crowded. A backbone meeting a wave of returning sessions gives the wave half of its loop: with a fixed
 * few per look at its sockets it recovered such a wave too slowly (a wave of 100,000 sessions collapsed to about
 * 22,000 held and stayed there; with half of the loop it held about 89,000, docs/benchmarks.md §5b), while answering
 * the whole backlog at once would hold the loop for a third of a second and drop the established sessions' datagrams.
 * Confined to the event loop.
 */
final class AnswerTurn {

    /** INITs answered per turn at least: about 3 ms of the loop's time here, after which it reads its sockets again. */
    static final int INITS_PER_TURN = 8;

    /** The longest turn, however long the loop was away: about 60 INITs here, a fifth of a full backlog. */
    static final long MAX_TURN_NANOS = 20_000_000L;

    private final LongSupplier clock;
    private long lastEnd;
    private long start;
    private long budget;
    private int answered;

    /** @param clock the loop's clock in nanoseconds ({@code System::nanoTime}; a test's own) */
    AnswerTurn(LongSupplier clock) {
        this.clock = clock;
        this.lastEnd = clock.getAsLong();
    }

    /** Starts a turn; {@code crowded} says whether the backlog is long enough to be a wave ({@link InitBacklog#crowded}). */
    void begin(boolean crowded) {
        start = clock.getAsLong();
        budget = crowded ? Math.min(start - lastEnd, MAX_TURN_NANOS) : 0;
        answered = 0;
    }

    /** Whether this turn may answer one more INIT; if so, it is counted as answered. */
    boolean another() {
        if (answered < INITS_PER_TURN || clock.getAsLong() - start < budget) {
            answered++;
            return true;
        }
        return false;
    }

    /** Ends the turn: the time until the next one begins is the loop's time for everything else. */
    void end() {
        lastEnd = clock.getAsLong();
    }
}
