package io.pilot.spring.capability;

import io.pilot.engine.message.Cancellation;

import io.micrometer.context.ContextRegistry;

import org.springframework.util.ClassUtils;

/**
 * The request a capability method is serving, as the engine's {@link Cancellation} of it (its deadline, whether it
 * is still wanted): what lets a call the method makes through {@code PilotClient} take no longer than what is left
 * of that deadline, and be cancelled with it. {@link CapabilityDispatcher} sets it around each invocation.
 *
 * <p>It is a thread-local carried by Micrometer context-propagation ({@link InboundRequestAccessor}, registered with
 * the global {@link ContextRegistry}), not a bare one: so it follows the method into what that library carries
 * context into, the async stages of a {@code PilotClient} call ({@code CallerContext}), executors wrapped with a
 * {@code ContextSnapshot}, and Reactor's context (a returned {@code Mono}'s, and, with
 * {@code Hooks.enableAutomaticContextPropagation()}, the thread-locals of its operators).
 */
public final class InboundRequest {

    /** The key it is carried under, in context snapshots and in Reactor's context. */
    public static final String KEY = "pilot.inbound-request";

    static final ThreadLocal<Cancellation> CURRENT = new ThreadLocal<>();

    private static final boolean REACTOR = ClassUtils.isPresent("reactor.core.publisher.Mono",
            InboundRequest.class.getClassLoader());

    static {
        // Also listed in META-INF/services: this covers a registry that was loaded by another class loader.
        ContextRegistry.getInstance().registerThreadLocalAccessor(new InboundRequestAccessor());
    }

    private InboundRequest() {
    }

    /** The cancellation of the request being served in this context, or null if none is. */
    public static Cancellation current() {
        return CURRENT.get();
    }

    /** Makes {@code request} the current one until the returned scope closes, which restores the one before. */
    static Scope serving(Cancellation request) {
        Cancellation before = CURRENT.get();
        CURRENT.set(request);
        return () -> {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        };
    }

    /**
     * {@code result} with the current request in its Reactor context when it is a {@code Mono} or a {@code Flux}
     * (which may run on other threads, where the thread-local is not), else {@code result} as it is.
     */
    static Object intoReactorContext(Object result) {
        Cancellation request = CURRENT.get();
        return REACTOR && request != null && result != null ? InboundReactorContext.attach(result, request) : result;
    }

    /** What {@link #serving} returns. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
