package io.pilot.spring.autoconfigure.health;

import io.pilot.spring.actuate.PilotHealthIndicator;
import io.pilot.spring.actuate.PilotReadinessHealthIndicator;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.runtime.PilotRuntime;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code pilot} health component (and {@code pilotReadiness}, for a readiness group), when Spring Boot's health support is on the class path and
 * {@code management.health.pilot.enabled} is not {@code false}.
 */
@AutoConfiguration(after = PilotAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("pilot")
public final class PilotHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnBean(PilotRuntime.class)
    @ConditionalOnMissingBean(name = { "pilotHealthIndicator", "pilotHealthContributor" })
    PilotHealthIndicator pilotHealthIndicator(PilotRuntime runtime) {
        return new PilotHealthIndicator(runtime);
    }

    @Bean
    @ConditionalOnBean(PilotRuntime.class)
    @ConditionalOnMissingBean(name = "pilotReadinessHealthIndicator")
    PilotReadinessHealthIndicator pilotReadinessHealthIndicator(PilotRuntime runtime) {
        return new PilotReadinessHealthIndicator(runtime);
    }
}
