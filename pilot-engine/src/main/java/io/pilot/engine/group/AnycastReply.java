package io.pilot.engine.group;

import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.Message;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer to an anycast, and who gave it: callers often need to know which provider served them (to
 * follow up with it, or to account for it).
 *
 * @param reply the provider's reply
 * @param member the provider that answered
 * @param took from the anycast call to the reply, provider lookup and failovers included
 * @param attempts how many providers were asked: 1 unless earlier ones could not be reached
 */
public record AnycastReply(Message reply, NodeRecord member, Duration took, int attempts) {

    public AnycastReply {
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(took, "took");
        if (attempts < 1) {
            throw new IllegalArgumentException("an answered anycast took at least one attempt");
        }
    }
}
