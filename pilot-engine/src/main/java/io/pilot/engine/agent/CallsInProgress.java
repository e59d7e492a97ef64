package io.pilot.engine.agent;

/**
 * A count of calls in progress that stopping waits on, and can close to new calls: served requests and the
 * agent's own outgoing calls are each one of these.
 */
final class CallsInProgress {

    private int count;
    private boolean refusing;

    /** Counts one more call; false (counting nothing) once {@link #refuseNew} was called. */
    synchronized boolean tryBegin() {
        if (refusing) {
            return false;
        }
        count++;
        return true;
    }

    synchronized void done() {
        count--;
        notifyAll();
    }

    /** From now on {@link #tryBegin} refuses, so that waiting for the calls counted so far comes to an end. */
    synchronized void refuseNew() {
        refusing = true;
    }

    synchronized int count() {
        return count;
    }

    /** Waits until no call is in progress, or {@link System#nanoTime()} reaches {@code deadlineNanos}; true if idle. */
    synchronized boolean awaitIdleUntil(long deadlineNanos) {
        while (count > 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
