package io.pilot.engine.agent;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Counts the calls an application makes through its agent (requests, anycasts, broadcasts), from whatever thread
 * (a scheduled task, a listener, a served request), so that stopping lets them finish before the node closes;
 * once stopping has begun waiting for them, it refuses new ones instead of starting calls the node would cut.
 */
final class OutgoingCalls {

    /** What a call started too late is told. */
    static final String STOPPING = "the agent is stopping: it starts no new calls";

    private final CallsInProgress calls = new CallsInProgress();

    /**
     * Starts {@code call} and counts it until its future completes.
     *
     * @throws PilotException {@link ErrorCode#UNREACHABLE} once {@link #refuseNew} was called; {@code call} is not run
     */
    <F extends CompletableFuture<?>> F track(Supplier<F> call) {
        if (!calls.tryBegin()) {
            throw new PilotException(ErrorCode.UNREACHABLE, STOPPING);
        }
        F started;
        try {
            started = Objects.requireNonNull(call.get(), "the call returned no future");
        } catch (RuntimeException | Error e) {
            calls.done();
            throw e;
        }
        // A side stage, not the caller's future: the caller keeps the node's own future and how it wakes waiters.
        started.whenComplete((value, error) -> calls.done());
        return started;
    }

    void refuseNew() {
        calls.refuseNew();
    }

    int count() {
        return calls.count();
    }

    boolean awaitIdleUntil(long deadlineNanos) {
        return calls.awaitIdleUntil(deadlineNanos);
    }
}
