package io.pilot.spring.observation;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;

import java.util.concurrent.CompletableFuture;

/**
 * Carries the caller's context (its current observation, hence its trace and the trace ids in its log lines)
 * into the stages that depend on an asynchronous call's future. The engine completes its futures on its own
 * callback threads, which know nothing of the caller, so a {@code thenApply} the caller attached would otherwise
 * run without its trace. What is carried is whatever the registered
 * {@link io.micrometer.context.ThreadLocalAccessor}s capture (Micrometer's observation accessor among them).
 */
public final class CallerContext {

    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

    private CallerContext() {
    }

    /**
     * A future completed as {@code source} is, with the calling thread's context (captured now) restored while it
     * completes, so the stages that depend on it run in that context whichever thread completes it. Cancelling the
     * returned future cancels {@code source}.
     */
    public static <T> CompletableFuture<T> carriedInto(CompletableFuture<T> source) {
        return carriedInto(source, () -> source.cancel(true));
    }

    /**
     * {@link #carriedInto(CompletableFuture)}, cancelling the returned future running {@code onCancel} instead of
     * cancelling {@code source}: for a source that is a stage of the work to cancel (cancelling the work then lets
     * that stage run, e.g. to observe the cancel, where cancelling the stage itself would skip it).
     */
    public static <T> CompletableFuture<T> carriedInto(CompletableFuture<T> source, Runnable onCancel) {
        ContextSnapshot caller = SNAPSHOTS.captureAll();
        CompletableFuture<T> continued = new CompletableFuture<>();
        source.whenComplete((value, error) -> {
            try (ContextSnapshot.Scope restored = caller.setThreadLocals()) {
                if (error != null) {
                    continued.completeExceptionally(error);
                } else {
                    continued.complete(value);
                }
            }
        });
        continued.whenComplete((value, error) -> {
            if (continued.isCancelled()) {
                onCancel.run();
            }
        });
        return continued;
    }
}
