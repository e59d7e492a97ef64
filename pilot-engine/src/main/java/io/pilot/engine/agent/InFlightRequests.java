package io.pilot.engine.agent;

import io.pilot.engine.message.MessageHandler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests an agent's handlers are working on, so that stopping can let them finish: the agent
 * deregisters first (no new work is routed to it), then waits here, bounded by its grace period.
 */
final class InFlightRequests {

    private final AtomicInteger count = new AtomicInteger();

    /** Wraps a handler so each request is counted from its arrival until its reply is ready. */
    MessageHandler track(MessageHandler handler) {
        return message -> {
            count.incrementAndGet();
            try {
                return handler.handle(message).whenComplete((reply, error) -> done());
            } catch (Exception | Error e) {
                done();
                throw e;
            }
        };
    }

    int count() {
        return count.get();
    }

    /** Waits until no request is in progress, or the grace period is over; true if idle. */
    boolean awaitIdle(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (count) {
            while (count.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    count.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private void done() {
        synchronized (count) {
            count.decrementAndGet();
            count.notifyAll();
        }
    }
}
