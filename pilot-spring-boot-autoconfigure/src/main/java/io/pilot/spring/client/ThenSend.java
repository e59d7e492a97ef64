package io.pilot.spring.client;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code first.thenCompose(send)} whose cancel reaches the request once it is sent (a plain composition's cancel stops
 * at the composition, and the remote handler would go on): the first call to a hostname, made while the name is
 * being resolved, is cancelled like any other.
 */
final class ThenSend {

    private ThenSend() {
    }

    static <A, R> CompletableFuture<R> of(CompletableFuture<A> first, Function<A, CompletableFuture<R>> send) {
        CompletableFuture<R> result = new CompletableFuture<>();
        first.whenComplete((value, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
                return;
            }
            if (result.isCancelled()) {
                return; // cancelled before it was sent: nothing to send
            }
            CompletableFuture<R> sent;
            try {
                sent = send.apply(value);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            sent.whenComplete((reply, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(reply);
                }
            });
            result.whenComplete((reply, failure) -> {
                if (result.isCancelled()) {
                    sent.cancel(true);
                }
            });
        });
        return result;
    }
}
