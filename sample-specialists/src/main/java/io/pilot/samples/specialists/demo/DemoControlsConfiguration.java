package io.pilot.samples.specialists.demo;

import io.pilot.spring.runtime.PilotRuntime;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What bin/demo's controls need from a specialist, only when it starts one with {@code demo.controls=true}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("demo.controls")
class DemoControlsConfiguration {

    @Bean
    LinkLossEndpoint linkLossEndpoint(PilotRuntime runtime) {
        return new LinkLossEndpoint(runtime);
    }
}
