package io.pilot.engine.group;

import io.pilot.engine.directory.NodeRecord;

import java.time.Duration;
import java.util.Objects;

/**
 * A provider an anycast may choose, with what this node knows of it right now.
 *
 * @param member the provider's record
 * @param rtt the smoothed round trip of this node's session with it, or null if there is no session (or no
 *            sample yet): nothing is known, which is not the same as slow
 * @param inFlight anycast requests this node has sent it that have not finished
 */
public record Candidate(NodeRecord member, Duration rtt, int inFlight) {

    public Candidate {
        Objects.requireNonNull(member, "member");
        if (inFlight < 0) {
            throw new IllegalArgumentException("inFlight must not be negative");
        }
    }

    public boolean rttKnown() {
        return rtt != null;
    }
}
