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

    /**
     * {@link #lowestRtt(Duration)} in steps of 25 ms. A session's smoothed RTT starts from one sample that
     * includes the peer's ACK delay (up to 10 ms by default) and only settles as traffic flows, so on a quiet
     * session it reads up to that much high; with finer steps, the provider that has been busiest would look
     * nearest and take everything. An agent's request costs far more than 25 ms anyway: within that, load
     * tells providers apart better than distance.
     */
    static SelectionPolicy lowestRtt() {
        return lowestRtt(Duration.ofMillis(25));
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
