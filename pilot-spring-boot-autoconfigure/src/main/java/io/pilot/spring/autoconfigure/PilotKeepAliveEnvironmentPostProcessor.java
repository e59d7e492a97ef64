package io.pilot.spring.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults {@code spring.main.keep-alive} to {@code true}: an agent serves its capabilities on daemon threads,
 * so an application without a web server would otherwise end as soon as its {@code main} returns. Boot's
 * keep-alive thread lives from the context's refresh to its close. Added last, so any setting of the
 * application's own (e.g. {@code spring.main.keep-alive=false} for a program that only calls others and then
 * ends) wins.
 */
public final class PilotKeepAliveEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE = "pilotKeepAliveDefault";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getPropertySources().contains(SOURCE)) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of("spring.main.keep-alive", "true")));
        }
    }
}
