package io.pilot.cli;

import java.util.function.BooleanSupplier;

/**
 * Waits for something another process does (exit, remove its socket) by looking every 50 ms: there is
 * nothing to be told by, and {@code ProcessHandle.onExit} polls a process that is not our child with
 * back-off, up to seconds late.
 */
final class Waiting {

    private static final long POLL_MILLIS = 50;

    private Waiting() {
    }

    /** True once {@code done}, false if it was not within {@code timeoutMillis}. */
    static boolean until(BooleanSupplier done, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() >= deadline) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }
}
