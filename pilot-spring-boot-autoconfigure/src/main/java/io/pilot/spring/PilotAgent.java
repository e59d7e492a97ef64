package io.pilot.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.stereotype.Component;

/**
 * Marks a bean as a Pilot agent: a component whose {@link Capability} methods other agents call directly
 * over end-to-end encrypted tunnels. Its capabilities are published to the backbone when the context is
 * ready.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface PilotAgent {

    /** Groups this agent's node joins, in addition to {@code pilot.groups}. */
    String[] groups() default {};
}
