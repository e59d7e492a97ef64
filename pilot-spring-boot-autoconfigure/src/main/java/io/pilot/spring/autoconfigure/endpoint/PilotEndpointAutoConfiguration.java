package io.pilot.spring.autoconfigure.endpoint;

import io.pilot.spring.actuate.PilotBackboneEndpoint;
import io.pilot.spring.actuate.PilotEndpoint;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.runtime.PilotRuntime;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The {@code pilot} actuator endpoint, when the actuator is on the class path and the endpoint is
 * available (accessible and exposed, e.g. {@code management.endpoints.web.exposure.include=pilot}); and the
 * {@code pilotbackbone} endpoint (the embedded backbone's status and page) when this application runs the
 * backbone ({@code pilot.backbone.embedded=true}) and exposes it.
 */
@AutoConfiguration(after = PilotAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
public final class PilotEndpointAutoConfiguration {

    @Bean
    @ConditionalOnBean(PilotRuntime.class)
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(PilotEndpoint.class)
    PilotEndpoint pilotEndpoint(PilotRuntime runtime) {
        return new PilotEndpoint(runtime);
    }

    @Bean
    @ConditionalOnBean(PilotRuntime.class)
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "pilot.backbone", name = "embedded", havingValue = "true")
    @ConditionalOnAvailableEndpoint(PilotBackboneEndpoint.class)
    PilotBackboneEndpoint pilotBackboneEndpoint(PilotRuntime runtime) {
        return new PilotBackboneEndpoint(runtime);
    }
}
