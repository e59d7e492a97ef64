package io.pilot.engine.group;

import java.util.concurrent.CompletionException;

/** Gets at the failure a future was completed with, under the {@link CompletionException} chaining adds. */
final class Errors {

    private Errors() {
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
