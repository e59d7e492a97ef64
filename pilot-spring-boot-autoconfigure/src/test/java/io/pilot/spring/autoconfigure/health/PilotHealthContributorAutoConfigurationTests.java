package io.pilot.spring.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.spring.actuate.PilotHealthIndicator;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class PilotHealthContributorAutoConfigurationTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() throws Exception {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class,
                        PilotHealthContributorAutoConfiguration.class))
                .withPropertyValues("pilot.hostname=papers", "pilot.bind.address=127.0.0.1",
                        "pilot.identity.path=" + dir.resolve("papers.key"), "pilot.backbone.embedded=true",
                        "pilot.backbone.address=127.0.0.1:" + freePort(), "pilot.backbone.identity=" + dir.resolve("bb.key"));
    }

    @Test
    void whenTheAgentRunsAndIsRegisteredThenThePilotComponentIsUpWithItsDetails() throws Exception {
        runner().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(PilotHealthIndicator.class).hasBean("pilotHealthIndicator");
            PilotRuntime runtime = context.getBean(PilotRuntime.class);
            Health health = context.getBean(PilotHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("address", runtime.address().toString())
                    .containsEntry("hostname", "papers").containsEntry("realm", 0)
                    .containsEntry("backbone", runtime.embeddedBackbone().orElseThrow().node().address().toString())
                    .containsEntry("backboneStatus", "REGISTERED").containsKey("sessions").doesNotContainKey("error");
        });
    }

    @Test
    void whenTheAgentHasStoppedThenThePilotComponentIsDown() throws Exception {
        runner().run(context -> {
            context.getBean(PilotRuntime.class).stop();
            Health health = context.getBean(PilotHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("state", "stopped");
        });
    }

    @Test
    void whenDisabledByPropertyThenThereIsNoPilotComponent() throws Exception {
        runner().withPropertyValues("management.health.pilot.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PilotHealthIndicator.class));
    }

    @Test
    void whenDefaultHealthIndicatorsAreDisabledThenThereIsNoPilotComponentUnlessEnabledExplicitly() throws Exception {
        runner().withPropertyValues("management.health.defaults.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(PilotHealthIndicator.class));
        runner().withPropertyValues("management.health.defaults.enabled=false", "management.health.pilot.enabled=true")
                .run(context -> assertThat(context).hasSingleBean(PilotHealthIndicator.class));
    }

    @Test
    void whenTheUserDefinesAPilotHealthIndicatorThenTheirsIsUsed() throws Exception {
        HealthIndicator mine = () -> Health.up().withDetail("mine", true).build();
        runner().withBean("pilotHealthIndicator", HealthIndicator.class, () -> mine).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(PilotHealthIndicator.class);
            assertThat(context.getBean("pilotHealthIndicator")).isSameAs(mine);
        });
    }

    @Test
    void whenSpringBootHealthIsAbsentThenThereIsNoPilotComponent() throws Exception {
        runner().withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(PilotRuntime.class).doesNotHaveBean(PilotHealthIndicator.class));
    }

    @Test
    void whenThereIsNoPilotRuntimeThenThereIsNoPilotComponent() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PilotHealthContributorAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PilotHealthIndicator.class));
    }

    static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }
}
