package io.pilot.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * A method other agents can call by name ({@code papers.resolve-citation}). It takes at most one argument
 * and may return a value, {@code void}, or a {@code CompletableFuture}; arguments and results travel as
 * JSON through the application's Jackson mapper. An exception becomes a typed error on the caller's side:
 * throw {@link IllegalArgumentException} to refuse the argument (its message reaches the caller as written,
 * e.g. {@code unknown DOI 10.1/xyz}); any other exception arrives prefixed with its class name.
 *
 * <p>In a native image the method is invoked reflectively and its argument and result are bound by Jackson: the
 * AOT engine registers both ({@link CapabilityReflectiveProcessor}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(CapabilityReflectiveProcessor.class)
public @interface Capability {

    /** The capability's name: lower-case letters, digits, '.', '_' and '-'. Unique within the application. */
    String value();

    /** What it does, published with the capability. */
    String description() default "";

    /**
     * How many calls of it may be in progress at once on this agent; past it a call is answered OVERLOADED.
     * 0 (the default): no limit of its own, only the agent's {@code pilot.server.max-concurrency}. The property
     * {@code pilot.server.capability-max-concurrency[name]} overrides it.
     */
    int maxConcurrency() default 0;

    /**
     * Whether the method runs on the agent's event loop, the thread that decrypts the request and sends the reply,
     * instead of on the handler executor ({@code pilot.server.*}, Boot's task executor): a call is then answered
     * without the two hand-offs between threads, loop to handler and back, which on a quiet machine are most of what
     * serving a small call costs (docs/benchmarks.md, section 7). Only for methods that never block and return at
     * once, in microseconds: an in-memory lookup, a computation on the argument. While the method runs, no other
     * request, reply or acknowledgement of this agent moves, so one that waits (on I/O, a lock, a database, a call to
     * another agent) stalls them all; Pilot's own blocking calls there ({@code PilotClient.call}, a
     * {@code PilotCaller}'s lookup) fail at once with an {@code IllegalStateException} rather than stall it, but a
     * {@code join} on a future {@code callAsync} returned, or {@code Mono.block()}, may never end; a run that holds
     * the loop more than 10 ms is logged at WARN (after the method's first). It must return its
     * result, not one to come (no {@code CompletableFuture}, {@code Mono}, stream or declared {@code Object}): refused
     * at startup otherwise. Its calls run one at a time, so a {@link #maxConcurrency} with it is refused too, and they
     * are not counted against {@code pilot.server.max-concurrency}, which bounds the handler executor's work; the
     * executor's task decorators (MDC, security context) do not apply to it, and a call of it with {@code stream()}
     * runs on the executor as any capability's does. Default false.
     */
    boolean eventLoop() default false;

    /**
     * On a client interface's method only: how long a call may wait for its reply, e.g. {@code 2s} or {@code PT2S};
     * over {@code pilot.client.interfaces.<name>.timeout} and {@code pilot.request-timeout}. Empty (the default): the
     * interface's timeout. Ignored where the capability is served.
     */
    String timeout() default "";
}
