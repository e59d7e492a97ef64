package io.pilot.spring.client;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * The {@code Mono} a client-interface method returns; a class of its own so that Reactor, an optional dependency,
 * is loaded only by applications whose interfaces return one.
 */
final class MonoResults {

    private MonoResults() {
    }

    /** Calls on subscription (each subscription calls again), and cancels the call's future when the subscriber cancels. */
    static <T> Mono<T> deferred(Supplier<CompletableFuture<T>> call) {
        return Mono.fromFuture(call);
    }
}
