package io.pilot.engine.session;

import java.util.function.LongSupplier;

/**
 * How many INITs a turn of answering takes from the {@link InitBacklog} (docs/PROTOCOL.md §4.10):
 * {@link #INITS_PER_TURN} (fewer if fewer wait); while the backlog is crowded, at least that many and more for as long
 * as the event loop spent on everything else since the previous turn ended (or, for the first turn of a wave, since
 * its first INIT began to wait), up to {@link #MAX_TURN_NANOS}. A node answers a few INITs a second and its backlog is
 * never crowded. A backbone meeting a wave of returning sessions gives the wave about half of its loop (more while
 * its passes are shorter than the minimum turn): sized by the loop's own time rather than by a count tuned to one
 * machine, where answering the whole backlog at once would hold the loop for a third of a second and drop the
 * established sessions' datagrams. Whether it holds more sessions than 8 per turn did is not shown
 * (docs/benchmarks.md §5b). Confined to the event loop.
 */
final class AnswerTurn {

    /** INITs answered per turn at least: about 3 ms of the loop's time here, after which it reads its sockets again. */
    static final int INITS_PER_TURN = 8;

    /** The longest turn, however long the loop was away: about 60 INITs here. */
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

    /**
     * The first INIT waits in an empty backlog: the loop's time for everything else counts from now, not from the
     * last turn of an earlier wave (the loop may have been idle since).
     */
    void firstWaiting() {
        lastEnd = clock.getAsLong();
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
