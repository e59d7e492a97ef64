package io.pilot.spring.autoconfigure.endpoint;

import io.pilot.spring.actuate.PilotEndpoint;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.runtime.PilotRuntime;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code pilot} actuator endpoint, when the actuator is on the class path and the endpoint is
 * available (accessible and exposed, e.g. {@code management.endpoints.web.exposure.include=pilot}).
 */
@AutoConfiguration(after = PilotAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnAvailableEndpoint(PilotEndpoint.class)
public final class PilotEndpointAutoConfiguration {

    @Bean
    @ConditionalOnBean(PilotRuntime.class)
    @ConditionalOnMissingBean
    PilotEndpoint pilotEndpoint(PilotRuntime runtime) {
        return new PilotEndpoint(runtime);
    }
}
