package io.pilot.engine.group;

import io.pilot.engine.directory.NodeRecord;

/**
 * Hears a {@link DirectoryView}'s members come and go. Unlike a raw directory watch, a member is announced
 * as joined once and as left only if it had joined: the view folds repeated joins (a node publishes its
 * local endpoint, then its reflexive one) into updates. Called in revision order on the node's handler
 * threads; a slow listener holds up the watch's later events.
 */
public interface MembershipListener {

    /** Ignores every change: for a view that is only read. */
    MembershipListener NONE = new MembershipListener() {
        @Override
        public void joined(NodeRecord member) {
        }

        @Override
        public void left(NodeRecord member) {
        }
    };

    void joined(NodeRecord member);

    void left(NodeRecord member);

    /** A member republished its record (new endpoints, capabilities...). Ignored unless overridden. */
    default void updated(NodeRecord member) {
    }
}
