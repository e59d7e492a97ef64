package io.pilot.spring.client;

import io.pilot.spring.capability.InboundRequest;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;

import reactor.core.publisher.Mono;

/**
 * The {@code Mono} a client-interface method returns; a class of its own so that Reactor, an optional dependency,
 * is loaded only by applications whose interfaces return one.
 */
final class MonoResults {

    private MonoResults() {
    }

    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

    /**
     * Calls on subscription (each subscription calls again), and cancels the call's future when the subscriber cancels
     * (the remote handler sees CANCELLED). Subscribed within a capability's {@code Mono}, on whatever thread, the call
     * keeps within the served request's deadline: it is read from the subscriber's Reactor context.
     */
    static <T> Mono<T> deferred(Supplier<CompletableFuture<T>> call) {
        return Mono.deferContextual(context -> {
            try (ContextSnapshot.Scope served = SNAPSHOTS.setThreadLocalsFrom(context, InboundRequest.KEY)) {
                return Mono.fromFuture(call.get());
            }
        });
    }
}
