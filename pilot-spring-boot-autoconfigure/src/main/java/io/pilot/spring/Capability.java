package io.pilot.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A method other agents can call by name ({@code papers.resolve-citation}). It takes at most one argument
 * and may return a value, {@code void}, or a {@code CompletableFuture}; arguments and results travel as
 * JSON through the application's Jackson mapper. An exception becomes a typed error on the caller's side:
 * throw {@link IllegalArgumentException} to refuse the argument (its message reaches the caller as written,
 * e.g. {@code unknown DOI 10.1/xyz}); any other exception arrives prefixed with its class name.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Capability {

    /** The capability's name: lower-case letters, digits, '.', '_' and '-'. Unique within the application. */
    String value();

    /** What it does, published with the capability. */
    String description() default "";
}
