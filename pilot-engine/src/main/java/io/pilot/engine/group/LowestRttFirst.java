package io.pilot.engine.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lowest RTT (in coarse steps), then fewest in flight, then round robin. The round robin comes from
 * rotating the candidates, put in address order first, by a turn counter before a stable sort: among
 * candidates the sort finds equal, each anycast starts one further along.
 */
final class LowestRttFirst implements SelectionPolicy {

    private static final Comparator<Candidate> BY_ADDRESS = Comparator.comparing(c -> c.member().address());

    private final long granularityNanos;
    private final AtomicLong turn = new AtomicLong();
    private final Comparator<Candidate> byRank = Comparator.comparingLong(this::rttStep)
            .thenComparingInt(Candidate::inFlight);

    LowestRttFirst(Duration granularity) {
        if (granularity.isNegative() || granularity.isZero()) {
            throw new IllegalArgumentException("granularity must be positive");
        }
        this.granularityNanos = granularity.toNanos();
    }

    @Override
    public List<Candidate> order(List<Candidate> candidates) {
        if (candidates.size() <= 1) {
            return List.copyOf(candidates); // nothing to rank, and no turn to take: one provider is the common case
        }
        List<Candidate> ordered = new ArrayList<>(candidates);
        ordered.sort(BY_ADDRESS);
        Collections.rotate(ordered, -(int) Math.floorMod(turn.getAndIncrement(), (long) ordered.size()));
        ordered.sort(byRank);
        return ordered;
    }

    /** Unknown RTT sorts after every known one. */
    private long rttStep(Candidate candidate) {
        return candidate.rttKnown() ? candidate.rtt().toNanos() / granularityNanos : Long.MAX_VALUE;
    }
}
