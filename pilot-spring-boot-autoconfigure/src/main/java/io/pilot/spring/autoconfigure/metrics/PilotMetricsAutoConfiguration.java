package io.pilot.spring.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.pilot.engine.PilotNode;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.metrics.PilotMeterBinder;
import io.pilot.spring.runtime.PilotRuntime;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With Micrometer's {@link MeterRegistry} on the class path, the node's counters as meters: see
 * {@link PilotMeterBinder}. The call timers ({@code pilot.client.requests}, {@code pilot.server.requests}) come from
 * the observations, through Spring Boot's meter observation handler.
 */
@AutoConfiguration(after = PilotAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, MeterBinder.class, PilotNode.class})
@ConditionalOnBean(PilotRuntime.class)
public final class PilotMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PilotMeterBinder pilotMeterBinder(PilotRuntime runtime) {
        return new PilotMeterBinder(runtime);
    }
}
