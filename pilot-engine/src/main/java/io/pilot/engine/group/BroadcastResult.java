package io.pilot.engine.group;

import io.pilot.engine.directory.NodeRecord;

import java.util.List;
import java.util.Objects;

/**
 * What became of one broadcast: the members it was handed to (accepted by their reliable stream, not
 * necessarily processed yet) and the members it could not reach, with why. A member appears once, in one
 * of the two lists.
 *
 * @param group the group broadcast to
 * @param delivered members whose stream accepted the message
 * @param failed members that could not be sent to
 */
public record BroadcastResult(String group, List<NodeRecord> delivered, List<Failure> failed) {

    public BroadcastResult {
        Objects.requireNonNull(group, "group");
        delivered = List.copyOf(delivered);
        failed = List.copyOf(failed);
    }

    /** True if every member was reached (also when the group had no other member). */
    public boolean complete() {
        return failed.isEmpty();
    }

    /**
     * A member the message did not reach.
     *
     * @param member the member's record
     * @param error why: usually a {@link io.pilot.engine.message.PilotException} whose code says what went wrong
     */
    public record Failure(NodeRecord member, Throwable error) {

        public Failure {
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(error, "error");
        }

        public String reason() {
            return error.getMessage();
        }
    }
}
