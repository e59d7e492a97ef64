package io.pilot.spring.autoconfigure;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Properties the starter had and no longer reads. Binding would ignore them silently, so an application still
 * setting one would not get what it asks for: start-up fails instead, saying what replaced it.
 */
final class RemovedProperties {

    private RemovedProperties() {
    }

    /** @throws PilotConfigurationException if the environment sets a removed property, in any relaxed form */
    static void check(Environment environment) {
        if (Binder.get(environment).bind("pilot.shutdown-grace-period", String.class).isBound()) {
            throw new PilotConfigurationException("pilot.shutdown-grace-period",
                    "removed: stopping waits for capability calls in progress as long as Spring Boot waits for each shutdown phase",
                    "Set spring.lifecycle.timeout-per-shutdown-phase instead (default 30s), and remove pilot.shutdown-grace-period.");
        }
    }
}
