package io.pilot.spring.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.actuate.PilotBackboneEndpoint;
import io.pilot.spring.actuate.PilotEndpoint;
import io.pilot.engine.backbone.BackboneStatus;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mockito;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class PilotEndpointAutoConfigurationTests {

    @TempDir
    Path dir;

    @PilotAgent(groups = "RESEARCH")
    static class PapersAgent {

        @Capability(value = "papers.search", description = "finds papers on a topic")
        String search(String topic) {
            return topic;
        }

        @Capability("papers.count")
        int count() {
            return 0;
        }
    }

    private ApplicationContextRunner runner() throws Exception {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class,
                        PilotEndpointAutoConfiguration.class))
                .withPropertyValues("pilot.hostname=papers", "pilot.bind.address=127.0.0.1",
                        "pilot.identity.path=" + dir.resolve("papers.key"), "pilot.backbone.embedded=true",
                        "pilot.backbone.address=127.0.0.1:" + freePort(), "pilot.backbone.identity=" + dir.resolve("bb.key"));
    }

    @Test
    void whenTheEndpointIsNotExposedThenItIsNotConfigured() throws Exception {
        runner().run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PilotEndpoint.class));
    }

    @Test
    void whenExposedOverTheWebThenItDescribesTheNodeItsBackboneAndItsPeers() throws Exception {
        runner().withPropertyValues("management.endpoints.web.exposure.include=pilot").withBean(PapersAgent.class)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(PilotEndpoint.class);
                    PilotRuntime runtime = context.getBean(PilotRuntime.class);
                    String backbone = runtime.embeddedBackbone().orElseThrow().node().address().toString();
                    PilotEndpoint.PilotDescriptor pilot = context.getBean(PilotEndpoint.class).pilot();
                    assertThat(pilot.address()).isEqualTo(runtime.address().toString());
                    assertThat(pilot.hostname()).isEqualTo("papers");
                    assertThat(pilot.realm()).isZero();
                    assertThat(pilot.udpEndpoint()).isEqualTo("127.0.0.1:" + runtime.node().localEndpoint().getPort());
                    assertThat(pilot.endpoints()).contains("local " + pilot.udpEndpoint());
                    assertThat(pilot.capabilities()).containsExactly(
                            new PilotEndpoint.CapabilityDescriptor("papers.count", Map.of()),
                            new PilotEndpoint.CapabilityDescriptor("papers.search", Map.of("description", "finds papers on a topic")));
                    assertThat(pilot.groups()).containsExactly("RESEARCH");
                    assertThat(pilot.backbone()).isEqualTo(new PilotEndpoint.BackboneDescriptor(backbone,
                            pilot.backbone().endpoint(), runtime.embeddedBackbone().orElseThrow().node().publicKey().toString(),
                            "REGISTERED", null, true));
                    assertThat(pilot.backbone().endpoint()).startsWith("127.0.0.1:");
                    assertThat(pilot.peers()).singleElement().satisfies(peer -> {
                        assertThat(peer.address()).isEqualTo(backbone);
                        assertThat(peer.backbone()).isTrue();
                        assertThat(peer.established()).isTrue();
                        assertThat(peer.path()).isEqualTo("direct");
                        assertThat(peer.bytesIn()).isPositive();
                        assertThat(peer.bytesOut()).isPositive();
                    });
                    assertThat(pilot.drops()).isNotNull();
                });
    }

    @Test
    void whenTheAgentHasStoppedThenTheEndpointAnswersNothing() throws Exception {
        runner().withPropertyValues("management.endpoints.web.exposure.include=pilot").run(context -> {
            context.getBean(PilotRuntime.class).stop();
            assertThat(context.getBean(PilotEndpoint.class).pilot()).isNull();
        });
    }

    @Test
    void whenAccessIsNoneThenItIsNotConfigured() throws Exception {
        runner().withPropertyValues("management.endpoints.web.exposure.include=pilot", "management.endpoint.pilot.access=NONE")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(PilotEndpoint.class));
    }

    @Test
    void whenTheUserDefinesAPilotEndpointThenTheirsIsUsed() throws Exception {
        PilotEndpoint mine = Mockito.mock(PilotEndpoint.class);
        runner().withPropertyValues("management.endpoints.web.exposure.include=pilot")
                .withBean(PilotEndpoint.class, () -> mine)
                .run(context -> assertThat(context).hasSingleBean(PilotEndpoint.class).getBean(PilotEndpoint.class).isSameAs(mine));
    }

    @Test
    void whenTheActuatorIsAbsentThenItIsNotConfigured() throws Exception {
        runner().withPropertyValues("management.endpoints.web.exposure.include=pilot")
                .withClassLoader(new FilteredClassLoader(Endpoint.class)).run(context ->
                        assertThat(context).hasNotFailed().hasSingleBean(PilotRuntime.class).doesNotHaveBean(PilotEndpoint.class));
    }

    @Test
    void theBackboneStatusEndpointIsConfiguredWhenExposedAndGivesTheEmbeddedBackbonesGroups() throws Exception {
        runner().withPropertyValues("management.endpoints.web.exposure.include=pilotbackbone").withBean(PapersAgent.class)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(PilotBackboneEndpoint.class)
                            .doesNotHaveBean(PilotEndpoint.class);
                    BackboneStatus.Snapshot status = context.getBean(PilotBackboneEndpoint.class).status();
                    assertThat(status.groups()).containsExactly(new BackboneStatus.Group("RESEARCH", 1));
                    assertThat(status.registrations()).isEqualTo(1);
                    assertThat(context.getBean(PilotBackboneEndpoint.class).page("page")).contains("../pilotbackbone");
                    assertThat(context.getBean(PilotBackboneEndpoint.class).page("admin")).isNull();
                });
    }

    @Test
    void theBackboneStatusEndpointIsOffWithoutAnEmbeddedBackbone() throws Exception {
        runner().withPropertyValues("management.endpoints.web.exposure.include=pilot,pilotbackbone",
                        "pilot.backbone.embedded=false")
                .run(context -> assertThat(context).hasSingleBean(PilotEndpoint.class)
                        .doesNotHaveBean(PilotBackboneEndpoint.class));
    }

    static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }
}
