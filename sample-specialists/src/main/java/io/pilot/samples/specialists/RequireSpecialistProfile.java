package io.pilot.samples.specialists;

import java.util.Arrays;
import java.util.List;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Stops the application before anything starts when no specialist profile is active: without one it would be
 * an agent with no hostname and nothing to offer, and the failure would say so far less plainly.
 */
class RequireSpecialistProfile implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    static final List<String> PROFILES = List.of("papers", "fx", "news");

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        if (Arrays.stream(event.getEnvironment().getActiveProfiles()).noneMatch(PROFILES::contains)) {
            throw new IllegalStateException("no specialist profile is active: start with --spring.profiles.active=papers, "
                    + "fx or news (or several, comma-separated)");
        }
    }
}
