package io.pilot.spring.capability;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/** Cancelling a stage that depends on another cancels that other, which a {@code CompletableFuture} does not do. */
final class Cancels {

    private Cancels() {
    }

    /** {@code stage}, made to cancel {@code upstream} when it is cancelled. */
    static <T> CompletableFuture<T> upstream(CompletableFuture<T> stage, Future<?> upstream) {
        stage.whenComplete((value, error) -> {
            if (stage.isCancelled()) {
                upstream.cancel(true);
            }
        });
        return stage;
    }
}
