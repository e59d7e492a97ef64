package io.pilot.engine.agent;

import io.pilot.engine.message.MessageHandler;

import java.time.Duration;

/**
 * Counts the requests an agent's handlers are working on, so that stopping can let them finish: the agent
 * deregisters first (no new work is routed to it), then waits here, bounded by its grace period.
 */
final class InFlightRequests {

    private final CallsInProgress requests = new CallsInProgress();

    /** Wraps a handler so each request is counted from its arrival until its reply is ready. */
    MessageHandler track(MessageHandler handler) {
        return message -> {
            requests.tryBegin(); // never refused: a request that arrives is served, whenever it arrives
            try {
                return handler.handle(message).whenComplete((reply, error) -> requests.done());
            } catch (Exception | Error e) {
                requests.done();
                throw e;
            }
        };
    }

    int count() {
        return requests.count();
    }

    /** Waits until no request is in progress, or the grace period is over; true if idle. */
    boolean awaitIdle(Duration grace) {
        return awaitIdleUntil(System.nanoTime() + grace.toNanos());
    }

    /** Waits until no request is in progress, or {@link System#nanoTime()} reaches {@code deadlineNanos}; true if idle. */
    boolean awaitIdleUntil(long deadlineNanos) {
        return requests.awaitIdleUntil(deadlineNanos);
    }
}
