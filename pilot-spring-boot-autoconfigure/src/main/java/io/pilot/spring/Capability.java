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
     * On a client interface's method only: how long a call may wait for its reply, e.g. {@code 2s} or {@code PT2S};
     * over {@code pilot.client.interfaces.<name>.timeout} and {@code pilot.request-timeout}. Empty (the default): the
     * interface's timeout. Ignored where the capability is served.
     */
    String timeout() default "";
}
