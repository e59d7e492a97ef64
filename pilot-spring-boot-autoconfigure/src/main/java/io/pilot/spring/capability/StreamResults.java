package io.pilot.spring.capability;

import io.pilot.engine.message.Cancellation;

import java.util.concurrent.Flow;
import java.util.stream.Stream;

import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.util.ClassUtils;

/**
 * What a streaming capability method may return, and its result as the {@link Flow.Publisher} a streamed reply is
 * served from: a {@code java.util.stream.Stream} (no Reactor needed: {@link StreamItems}), a {@link Flow.Publisher}
 * as it is, or a multi-value reactive type Spring knows ({@code Flux}, when Reactor is on the class path; through
 * Reactive Streams' own adapter to {@code Flow}).
 */
final class StreamResults {

    /** Reactive Streams, and with it the multi-value types of Reactor (and the like), are optional. */
    private static final boolean REACTIVE_STREAMS = ClassUtils.isPresent("org.reactivestreams.FlowAdapters",
            StreamResults.class.getClassLoader());

    private StreamResults() {
    }

    /** Whether a method declared to return {@code type} streams its reply. */
    static boolean isStreamed(Class<?> type) {
        return Stream.class.isAssignableFrom(type) || Flow.Publisher.class.isAssignableFrom(type) || isMultiValue(type);
    }

    private static boolean isMultiValue(Class<?> type) {
        if (!REACTIVE_STREAMS) {
            return false;
        }
        ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(type);
        return adapter != null && adapter.isMultiValue();
    }

    /**
     * {@code result} (of a method {@link #isStreamed streaming} its reply to {@code request}) as a publisher; null is
     * an empty stream. A {@code Stream} is pulled with the request as the {@link InboundRequest} and cancelled with it
     * ({@link StreamItems}).
     */
    @SuppressWarnings("unchecked")
    static Flow.Publisher<Object> publisher(Object result, Cancellation request) {
        if (result == null) {
            return new StreamItems(Stream.empty());
        }
        if (result instanceof Stream<?> stream) {
            return new StreamItems(stream, request);
        }
        if (result instanceof Flow.Publisher<?> publisher) {
            return (Flow.Publisher<Object>) publisher;
        }
        ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(result.getClass());
        if (adapter == null) {
            throw new IllegalStateException("a streaming capability returned a " + result.getClass().getSimpleName()
                    + ", which is no stream of results");
        }
        return FlowAdapters.toFlowPublisher((Publisher<Object>) adapter.toPublisher(result));
    }
}
