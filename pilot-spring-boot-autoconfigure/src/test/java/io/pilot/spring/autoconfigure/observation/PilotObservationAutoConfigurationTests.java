package io.pilot.spring.autoconfigure.observation;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.pilot.engine.PilotNode;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.observation.DefaultPilotClientObservationConvention;
import io.pilot.spring.observation.DefaultPilotServerObservationConvention;
import io.pilot.spring.observation.PilotClientObservationConvention;
import io.pilot.spring.observation.PilotServerObservationConvention;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class PilotObservationAutoConfigurationTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() throws Exception {
        int port;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = socket.getLocalPort();
        }
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, JacksonAutoConfiguration.class,
                        PilotAutoConfiguration.class, PilotObservationAutoConfiguration.class))
                .withPropertyValues("pilot.hostname=observed", "pilot.bind.address=127.0.0.1",
                        "pilot.identity.path=" + dir.resolve("a.key"), "pilot.backbone.embedded=true",
                        "pilot.backbone.address=127.0.0.1:" + port, "pilot.backbone.identity=" + dir.resolve("bb.key"));
    }

    @Test
    void withAnObservationRegistryTheDefaultConventionsAreDeclared() throws Exception {
        runner().run(context -> assertThat(context).hasNotFailed().hasSingleBean(ObservationRegistry.class)
                .hasSingleBean(PilotClient.class)
                .getBean(PilotClientObservationConvention.class).isInstanceOf(DefaultPilotClientObservationConvention.class));
        runner().run(context -> assertThat(context.getBean(PilotServerObservationConvention.class))
                .isInstanceOf(DefaultPilotServerObservationConvention.class));
    }

    @Test
    void theApplicationsConventionAndRegistryReachTheClient() throws Exception {
        TestObservationRegistry observations = TestObservationRegistry.create();
        PilotClientObservationConvention mine = new DefaultPilotClientObservationConvention() {
            @Override
            public String getName() {
                return "my.calls";
            }
        };
        runner().withBean(ObservationRegistry.class, () -> observations)
                .withBean(PilotClientObservationConvention.class, () -> mine).run(context -> {
                    assertThat(context).hasNotFailed().getBean(PilotClientObservationConvention.class).isSameAs(mine);
                    assertThatThrownBy(() -> context.getBean(PilotClient.class).call("nobody.offers.this", "x", String.class))
                            .isInstanceOf(PilotRemoteException.class);
                    assertThat(observations).hasSingleObservationThat().hasNameEqualTo("my.calls")
                            .hasLowCardinalityKeyValue("pilot.capability", "nobody.offers.this").hasError();
                });
    }

    @Test
    void pilotObservationsCanBeTurnedOffByProperty() throws Exception {
        TestObservationRegistry observations = TestObservationRegistry.create();
        runner().withBean(ObservationRegistry.class, () -> observations)
                .withPropertyValues("management.observations.enable.pilot=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThatThrownBy(() -> context.getBean(PilotClient.class).call("nobody.offers.this", "x", String.class))
                            .isInstanceOf(PilotRemoteException.class);
                    assertThat(observations).doesNotHaveAnyObservation();
                });
    }

    @Test
    void withoutAnObservationRegistryItBacksOff() throws Exception {
        runner().withClassLoader(new FilteredClassLoader(ObservationRegistry.class)).run(context ->
                        assertThat(context).hasNotFailed().hasSingleBean(PilotClient.class)
                                .doesNotHaveBean(PilotClientObservationConvention.class)
                                .doesNotHaveBean(PilotServerObservationConvention.class));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PilotObservationAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(PilotClientObservationConvention.class));
    }

    @Test
    void withoutTheEngineItBacksOff() throws Exception {
        runner().withClassLoader(new FilteredClassLoader(PilotNode.class)).run(context ->
                assertThat(context).doesNotHaveBean(PilotClient.class).doesNotHaveBean(PilotClientObservationConvention.class));
    }
}
