package io.pilot.spring.autoconfigure;

import io.pilot.engine.PilotNode;
import io.pilot.spring.PilotClient;
import io.pilot.spring.capability.CapabilityAnnotationBeanPostProcessor;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.client.DefaultPilotClient;
import io.pilot.spring.observation.PilotClientObservationConvention;
import io.pilot.spring.observation.PilotServerObservationConvention;
import io.pilot.spring.runtime.PilotRuntime;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the application a Pilot agent: its node, its {@code @Capability} methods served and published,
 * and a {@link PilotClient} to call others.
 */
@AutoConfiguration(after = JacksonAutoConfiguration.class)
@ConditionalOnClass(PilotNode.class)
@EnableConfigurationProperties(PilotProperties.class)
public final class PilotAutoConfiguration {

    @Bean
    static CapabilityAnnotationBeanPostProcessor pilotCapabilityAnnotationBeanPostProcessor() {
        return new CapabilityAnnotationBeanPostProcessor();
    }

    @Bean
    @ConditionalOnMissingBean
    CapabilityRegistry pilotCapabilityRegistry() {
        return new CapabilityRegistry();
    }

    @Bean
    @ConditionalOnMissingBean
    PilotRuntime pilotRuntime(PilotProperties properties, CapabilityRegistry registry, ObjectProvider<JsonMapper> mapper,
            ConfigurableEnvironment environment, ObjectProvider<ObservationRegistry> observations,
            ObjectProvider<PilotServerObservationConvention> observationConvention) {
        RemovedProperties.check(environment);
        return new PilotRuntime(RuntimeSettingsFactory.from(properties), registry, mapper.getIfAvailable(JsonMapper::new), environment,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP), observationConvention.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    PilotClient pilotClient(PilotRuntime runtime, ObjectProvider<JsonMapper> mapper,
            ObjectProvider<ObservationRegistry> observations, ObjectProvider<PilotClientObservationConvention> observationConvention) {
        return new DefaultPilotClient(runtime, mapper.getIfAvailable(JsonMapper::new),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP), observationConvention.getIfAvailable());
    }
}
