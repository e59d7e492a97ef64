package io.pilot.spring.autoconfigure.observation;

import io.micrometer.observation.ObservationRegistry;
import io.pilot.engine.PilotNode;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.observation.DefaultPilotClientObservationConvention;
import io.pilot.spring.observation.DefaultPilotServerObservationConvention;
import io.pilot.spring.observation.PilotClientObservationConvention;
import io.pilot.spring.observation.PilotServerObservationConvention;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * When the application has an {@link ObservationRegistry} (Spring Boot's observation auto-configuration makes one),
 * Pilot's client and capability dispatcher observe every capability call in it: {@code pilot.client.requests} and
 * {@code pilot.server.requests}, a timer each with a meter registry, spans continuing the caller's trace with a
 * tracer. This declares the default conventions; declare a {@link PilotClientObservationConvention} or
 * {@link PilotServerObservationConvention} bean to replace them. Turn the observations off with
 * {@code management.observations.enable.pilot=false}.
 */
@AutoConfiguration(before = PilotAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({PilotNode.class, ObservationRegistry.class})
@ConditionalOnBean(ObservationRegistry.class)
public final class PilotObservationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PilotClientObservationConvention pilotClientObservationConvention() {
        return new DefaultPilotClientObservationConvention();
    }

    @Bean
    @ConditionalOnMissingBean
    PilotServerObservationConvention pilotServerObservationConvention() {
        return new DefaultPilotServerObservationConvention();
    }
}
