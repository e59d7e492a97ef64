package io.pilot.spring.client;

import java.util.concurrent.Flow;

import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;

/**
 * A streamed call as the {@code Flux} the client returns; a class of its own so that Reactor, an optional dependency,
 * is loaded only by applications that ask for one.
 */
final class FluxResults {

    private FluxResults() {
    }

    /** Each subscription is one call; the Flux's demand and cancel reach the call as they are. */
    static <T> Flux<T> of(Flow.Publisher<T> call) {
        return JdkFlowAdapter.flowPublisherToFlux(call);
    }
}
