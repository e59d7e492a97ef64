package io.pilot.engine.group;

import java.time.Duration;
import java.util.List;

/**
 * Decides which provider an anycast asks first, and in what order the others are asked if that one cannot
 * be reached. Called for every anycast, on whichever thread completed the provider lookup, so it should be
 * quick and must not block; it may keep state (a round-robin turn), and must then be thread-safe.
 */
@FunctionalInterface
public interface SelectionPolicy {

    /**
     * Orders the candidates, best first. Leaving one out means it is not asked this time; an empty list
     * fails the anycast as if there were no provider.
     */
    List<Candidate> order(List<Candidate> candidates);

    /** {@link #lowestRtt(Duration)} with RTTs compared to the millisecond. */
    static SelectionPolicy lowestRtt() {
        return lowestRtt(Duration.ofMillis(1));
    }

    /**
     * The default: lowest RTT first, then fewest requests in flight from this node, then round robin.
     * RTTs in the same {@code granularity} step count as equal, so that providers a few microseconds apart
     * share the load instead of the marginally nearer one taking all of it. A provider whose RTT is unknown
     * ranks after every measured one; it is still asked when those fail, and when none is measured.
     */
    static SelectionPolicy lowestRtt(Duration granularity) {
        return new LowestRttFirst(granularity);
    }
}
