package io.pilot.spring.capability;

import io.pilot.engine.message.Cancellation;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Writes the {@link InboundRequest} into a publisher's Reactor context; a class of its own so Reactor stays optional. */
final class InboundReactorContext {

    private InboundReactorContext() {
    }

    static Object attach(Object result, Cancellation request) {
        if (result instanceof Mono<?> mono) {
            return mono.contextWrite(context -> context.put(InboundRequest.KEY, request));
        }
        if (result instanceof Flux<?> flux) {
            return flux.contextWrite(context -> context.put(InboundRequest.KEY, request));
        }
        return result;
    }
}
