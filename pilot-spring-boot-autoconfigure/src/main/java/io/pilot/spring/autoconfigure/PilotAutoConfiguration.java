package io.pilot.spring.autoconfigure;

import io.pilot.engine.PilotNode;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotNodeBuilderCustomizer;
import io.pilot.spring.capability.CapabilityAnnotationBeanPostProcessor;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.client.ClientInterfaceTargets;
import io.pilot.spring.client.DefaultPilotClient;
import io.pilot.spring.observation.PilotBroadcastObservationConvention;
import io.pilot.spring.observation.PilotClientObservationConvention;
import io.pilot.spring.observation.PilotGroupListenerObservationConvention;
import io.pilot.spring.observation.PilotServerObservationConvention;
import io.pilot.spring.runtime.PilotRuntime;

import io.micrometer.observation.ObservationRegistry;

import java.util.stream.Stream;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the application a Pilot agent: its node, its {@code @Capability} methods served and published,
 * and a {@link PilotClient} to call others. {@code pilot.enabled=false} turns it all off.
 */
@AutoConfiguration(after = {JacksonAutoConfiguration.class, TaskExecutionAutoConfiguration.class})
@ConditionalOnClass(PilotNode.class)
@ConditionalOnBooleanProperty(name = "pilot.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PilotProperties.class)
public final class PilotAutoConfiguration {

    @Bean
    static CapabilityAnnotationBeanPostProcessor pilotCapabilityAnnotationBeanPostProcessor(ObjectProvider<PilotJsonMapper> json,
            ListableBeanFactory beans) {
        return new CapabilityAnnotationBeanPostProcessor(() -> json.getObject().mapper(), ApplicationValidator.of(beans));
    }

    /** Agent beans stay eager under lazy initialization, or the agent would register without their capabilities. */
    @Bean
    static LazyInitializationExcludeFilter pilotAgentLazyInitializationExcludeFilter() {
        return new PilotAgentLazyInitializationExcludeFilter();
    }

    @Bean
    @ConditionalOnMissingBean
    PilotJsonMapper pilotJsonMapper(ObjectProvider<JsonMapper> mappers) {
        return PilotJsonMapper.resolve(mappers);
    }

    @Bean
    @ConditionalOnMissingBean
    CapabilityRegistry pilotCapabilityRegistry() {
        return new CapabilityRegistry();
    }

    /** Where the backbone is: the {@code pilot.backbone.*} properties, unless the application declares its own. */
    @Bean
    @ConditionalOnMissingBean
    PilotBackboneConnectionDetails pilotBackboneConnectionDetails(PilotProperties properties) {
        return new PropertiesPilotBackboneConnectionDetails(properties.getBackbone());
    }

    @Bean
    @ConditionalOnMissingBean
    PilotRuntime pilotRuntime(PilotProperties properties, PilotBackboneConnectionDetails backbone, CapabilityRegistry registry, PilotJsonMapper json,
            ConfigurableEnvironment environment, ObjectProvider<ObservationRegistry> observations,
            ObjectProvider<PilotServerObservationConvention> observationConvention, ListableBeanFactory beans,
            ObjectProvider<PilotNodeBuilderCustomizer> nodeCustomizers,
            ObjectProvider<PilotGroupListenerObservationConvention> groupListenerConvention) {
        RemovedProperties.check(environment);
        PilotRuntime runtime = new PilotRuntime(RuntimeSettingsFactory.from(properties, environment, backbone), registry, json.mapper(), environment,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP), observationConvention.getIfAvailable(),
                HandlerExecutionFactory.from(properties.getServer(), environment, beans),
                Stream.concat(Stream.of(transport(properties.getTransport())), nodeCustomizers.orderedStream()).toList());
        groupListenerConvention.ifAvailable(runtime::setGroupListenerObservationConvention);
        return runtime;
    }

    /** {@code pilot.transport.*}, applied to the node before the application's customizers, which have the last word. */
    private static PilotNodeBuilderCustomizer transport(PilotProperties.Transport transport) {
        TransportConfig config = TransportConfig.builder().congestionControl(transport.getCongestionControl()).build();
        return node -> node.transportConfig(config);
    }

    /** Where each client interface's calls go; checks the properties at start, even under lazy initialization. */
    @Bean
    @ConditionalOnMissingBean
    ClientInterfaceTargets pilotClientInterfaceTargets(PilotProperties properties, ListableBeanFactory beans) {
        return ClientInterfaceTargetsFactory.from(properties.getClient(), beans);
    }

    @Bean
    static LazyInitializationExcludeFilter pilotClientInterfaceTargetsLazyInitializationExcludeFilter() {
        return LazyInitializationExcludeFilter.forBeanTypes(ClientInterfaceTargets.class);
    }

    @Bean
    @ConditionalOnMissingBean
    PilotClient pilotClient(PilotRuntime runtime, PilotJsonMapper json,
            ObjectProvider<ObservationRegistry> observations, ObjectProvider<PilotClientObservationConvention> observationConvention,
            ObjectProvider<PilotBroadcastObservationConvention> broadcastConvention) {
        DefaultPilotClient client = new DefaultPilotClient(runtime, json.mapper(),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP), observationConvention.getIfAvailable());
        broadcastConvention.ifAvailable(client::setBroadcastObservationConvention);
        return client;
    }
}
