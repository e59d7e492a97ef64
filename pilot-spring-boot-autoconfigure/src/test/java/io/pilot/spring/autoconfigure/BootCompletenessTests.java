package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.transport.CongestionControl;
import io.pilot.spring.Capability;
import io.pilot.spring.GroupListener;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotNodeBuilderCustomizer;
import io.pilot.spring.capability.CapabilityMethod;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.runtime.PilotRuntime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** What a Boot application expects of a starter: an off switch, lazy initialization, customizers, one JSON mapper. */
class BootCompletenessTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner agent(String hostname) throws Exception {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.hostname=" + hostname, "pilot.bind.address=127.0.0.1",
                        "pilot.identity.path=" + dir.resolve(hostname + ".key"), "pilot.control.enabled=false",
                        "pilot.backbone.address=127.0.0.1:" + PilotAutoConfigurationTests.freePort(),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve(hostname + "-bb.key"));
    }

    @Test
    void pilotEnabledFalseTurnsTheStarterOff() throws Exception {
        agent("off").withPropertyValues("pilot.enabled=false").withBean(Agents.PapersAgent.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Agents.PapersAgent.class)
                    .doesNotHaveBean(PilotRuntime.class).doesNotHaveBean(PilotClient.class)
                    .doesNotHaveBean(CapabilityRegistry.class).doesNotHaveBean(PilotJsonMapper.class);
        });
    }

    static class Other {
    }

    @Test
    void underLazyInitializationTheAgentStillRegistersItsCapabilities() throws Exception {
        agent("lazy").withInitializer(context -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
                .withBean(Agents.PapersAgent.class).withBean("other", Other.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    // Lazy initialization is on: a bean nobody asks for is lazy...
                    assertThat(context.getBeanFactory().getBeanDefinition("other").isLazyInit()).isTrue();
                    // ...but the agent bean was created before the node started, and its capabilities were published.
                    assertThat(context.getBean(CapabilityRegistry.class).all()).extracting(CapabilityMethod::name)
                            .contains("papers.resolve-citation", "papers.search");
                    assertThat(context.getBean(PilotClient.class).find("papers.search")).extracting(NodeRecord::hostname)
                            .containsExactly("lazy");
                });
    }

    @Test
    void theFilterKeepsAgentBeansAndBeansWithCapabilityMethodsEager() {
        PilotAgentLazyInitializationExcludeFilter filter = new PilotAgentLazyInitializationExcludeFilter();
        assertThat(filter.isExcluded("papers", null, Agents.PapersAgent.class)).isTrue();
        assertThat(filter.isExcluded("slow", null, SlowAgent.class)).isTrue();
        assertThat(filter.isExcluded("listener", null, WithGroupListenerOnly.class)).isTrue();
        assertThat(filter.isExcluded("other", null, Other.class)).isFalse();
        assertThat(filter.isExcluded("unknown", null, null)).isFalse();
    }

    static class WithGroupListenerOnly {
        @GroupListener("RESEARCH")
        void on(String message) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        static final List<String> APPLIED = new CopyOnWriteArrayList<>();
        static int firstPort;
        static int lastPort;

        @Bean
        @Order(2)
        PilotNodeBuilderCustomizer last() {
            return builder -> {
                APPLIED.add("last");
                builder.bindAddress("127.0.0.1", lastPort);
            };
        }

        @Bean
        @Order(1)
        PilotNodeBuilderCustomizer first() {
            return builder -> {
                APPLIED.add("first");
                builder.bindAddress("127.0.0.1", firstPort);
            };
        }
    }

    @Test
    void nodeBuilderCustomizersApplyInOrderAfterTheProperties() throws Exception {
        Customizers.APPLIED.clear();
        Customizers.firstPort = PilotAutoConfigurationTests.freePort();
        Customizers.lastPort = PilotAutoConfigurationTests.freePort();
        agent("custom").withPropertyValues("pilot.bind.port=" + PilotAutoConfigurationTests.freePort())
                .withUserConfiguration(Customizers.class).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(Customizers.APPLIED).containsExactly("first", "last");
                    assertThat(context.getBean(PilotRuntime.class).node().localEndpoint().getPort())
                            .isEqualTo(Customizers.lastPort);
                });
    }

    @Test
    void theCongestionControllerIsAProperty() throws Exception {
        agent("newreno").withPropertyValues("pilot.transport.congestion-control=newreno").run(context -> {
            assertThat(context).hasNotFailed();
            // Its session with the embedded backbone (registration) runs the configured controller on this side.
            List<PeerInfo> peers = context.getBean(PilotRuntime.class).node().peers();
            assertThat(peers).filteredOn(PeerInfo::established).isNotEmpty()
                    .allSatisfy(peer -> assertThat(peer.transport().congestionControl()).isEqualTo(CongestionControl.NEWRENO));
        });
        agent("unknown").withPropertyValues("pilot.transport.congestion-control=vegas").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("vegas"));
    }

    @Test
    void theApplicationsJsonMapperIsTheOneEveryPartUses() throws Exception {
        JsonMapper snakeCase = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
        agent("json").withBean(JsonMapper.class, () -> snakeCase).withBean(Agents.PapersAgent.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(PilotJsonMapper.class).mapper()).isSameAs(snakeCase);
        });
    }

    @Test
    void withoutAJsonMapperBeanOneDefaultMapperServesAgentsAndClient() throws Exception {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PilotAutoConfiguration.class))
                .withPropertyValues("pilot.hostname=plain", "pilot.bind.address=127.0.0.1", "pilot.control.enabled=false",
                        "pilot.identity.path=" + dir.resolve("plain.key"),
                        "pilot.backbone.address=127.0.0.1:" + PilotAutoConfigurationTests.freePort(),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("plain-bb.key"))
                .withBean(Agents.PapersAgent.class)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(JsonMapper.class).hasSingleBean(PilotJsonMapper.class);
                    assertThat(context.getBean(CapabilityRegistry.class).all()).isNotEmpty();
                });
    }

    /** A capability whose argument and result the provider's snake_case mapper names. */
    @PilotAgent
    static class EchoAgent {
        record Query(String doiNumber) {
        }

        @Capability("json.echo")
        Query echo(Query query) {
            return query;
        }
    }

    @Test
    void capabilitiesBindArgumentsAndResultsWithTheApplicationsMapper() throws Exception {
        JsonMapper snakeCase = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
        int backbonePort = PilotAutoConfigurationTests.freePort();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.control.enabled=false",
                        "pilot.backbone.address=127.0.0.1:" + backbonePort);
        base.withPropertyValues("pilot.hostname=snake", "pilot.identity.path=" + dir.resolve("snake.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("snake-bb.key"))
                .withBean(JsonMapper.class, () -> snakeCase).withBean(EchoAgent.class)
                .run(provider -> {
                    assertThat(provider).hasNotFailed();
                    String backboneKey = provider.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    base.withPropertyValues("pilot.hostname=camel", "pilot.identity.path=" + dir.resolve("camel.key"),
                            "pilot.backbone.key=" + backboneKey).run(caller -> {
                                assertThat(caller).hasNotFailed();
                                Map<?, ?> reply = caller.getBean(PilotClient.class).call("snake", "json.echo",
                                        Map.of("doi_number", "10.1/x"), Map.class);
                                assertThat(reply).isEqualTo(Map.of("doi_number", "10.1/x"));
                            });
                });
    }
}
