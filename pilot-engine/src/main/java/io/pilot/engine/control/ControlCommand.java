package io.pilot.engine.control;

import tools.jackson.databind.node.ObjectNode;

/** One command a node answers: checks its arguments, acts, and returns the {@code data} of the ok line. */
@FunctionalInterface
interface ControlCommand {

    /**
     * @throws ControlException with the code the client should see
     */
    ObjectNode run(Arguments args, Progress progress);

    /**
     * Whether it may run for minutes or until its client hangs up ({@code listen}, {@code ping}, {@code bench}):
     * such commands run on their own bounded pool, so that they never hold the workers short commands need.
     */
    default boolean longRunning() {
        return false;
    }
}
