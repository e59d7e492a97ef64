package io.pilot.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface for {@link ImportPilotClients} to find when it scans packages. A marker rather than "every
 * interface with {@link Capability} methods", because an interface shared by a provider and its callers (the
 * provider implements it) must not become a client bean in the provider's own application.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PilotClientInterface {
}
