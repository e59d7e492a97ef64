package io.pilot.spring.capability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.springframework.core.MethodParameter;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.messaging.handler.invocation.AsyncHandlerMethodReturnValueHandler;
import org.springframework.messaging.handler.invocation.CompletableFutureReturnValueHandler;
import org.springframework.messaging.handler.invocation.ReactiveReturnValueHandler;
import org.springframework.util.ClassUtils;

/**
 * Results still to come, as Spring messaging's return value handlers turn them into a {@link CompletableFuture}: a
 * {@code CompletionStage}, and, when Reactor is on the class path, a {@code Mono} (or another single-value reactive
 * type; the reply is its one value, or empty). A multi-value publisher returned where the declared type did not say
 * so is refused as the method's failure: declared, it would serve a streamed reply ({@link StreamResults}).
 */
final class AsyncResults {

    private static final List<AsyncHandlerMethodReturnValueHandler> HANDLERS = handlers();

    private AsyncResults() {
    }

    private static List<AsyncHandlerMethodReturnValueHandler> handlers() {
        List<AsyncHandlerMethodReturnValueHandler> handlers = new ArrayList<>();
        handlers.add(new CompletableFutureReturnValueHandler());
        if (ClassUtils.isPresent("reactor.core.publisher.Mono", AsyncResults.class.getClassLoader())) {
            handlers.add(new ReactiveReturnValueHandler());
        }
        return List.copyOf(handlers);
    }

    /** Whether a method declared to return {@code type} answers later: a future, a {@code Mono}. */
    static boolean isAsync(MethodParameter type) {
        return HANDLERS.stream().anyMatch(handler -> handler.supportsReturnType(type))
                || Future.class.isAssignableFrom(type.getParameterType());
    }

    /** {@code result} as a future, or null if it is a value already. */
    static CompletableFuture<?> toFuture(Object result, MethodParameter type) {
        for (AsyncHandlerMethodReturnValueHandler handler : HANDLERS) {
            if (handler.supportsReturnType(type) && handler.isAsyncReturnValue(result, type)) {
                return handler.toCompletableFuture(result, type);
            }
        }
        ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(result.getClass());
        if (adapter != null && adapter.isMultiValue()) {
            throw new IllegalStateException("a capability returned a stream of results (" + result.getClass().getSimpleName()
                    + ") where its declared type did not say so; declare it Flux, Stream or Flow.Publisher to stream the reply");
        }
        return null;
    }
}
