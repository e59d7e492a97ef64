package io.pilot.spring.autoconfigure;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.observation.DefaultPilotClientObservationConvention;
import io.pilot.spring.observation.PilotClientObservationConvention;
import io.pilot.spring.observation.PilotClientRequestContext;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * How the auto-configured client meets Spring Boot's observation auto-configuration: the application's registry,
 * its convention bean or global convention, the {@code management.observations.enable} switch, and no registry.
 */
class PilotObservationWiringTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() throws Exception {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, JacksonAutoConfiguration.class,
                        PilotAutoConfiguration.class))
                .withPropertyValues("pilot.hostname=observed", "pilot.bind.address=127.0.0.1",
                        "pilot.identity.path=" + dir.resolve("a.key"), "pilot.backbone.embedded=true",
                        "pilot.backbone.address=127.0.0.1:" + PilotAutoConfigurationTests.freePort(),
                        "pilot.backbone.identity=" + dir.resolve("bb.key"));
    }

    /** A call that fails fast: nothing provides the capability. */
    private static void callNobody(PilotClient client) {
        assertThatThrownBy(() -> client.call("nobody.offers.this", "x", String.class)).isInstanceOf(PilotRemoteException.class);
    }

    @Test
    void theApplicationsRegistryObservesCallsWithTheDefaultConvention() throws Exception {
        TestObservationRegistry observations = TestObservationRegistry.create();
        runner().withBean(ObservationRegistry.class, () -> observations).run(context -> {
            assertThat(context).hasNotFailed();
            callNobody(context.getBean(PilotClient.class));
            assertThat(observations).hasSingleObservationThat().hasNameEqualTo("pilot.client.requests")
                    .hasLowCardinalityKeyValue("pilot.capability", "nobody.offers.this").hasError();
        });
    }

    @Test
    void aConventionBeanReachesTheClient() throws Exception {
        TestObservationRegistry observations = TestObservationRegistry.create();
        PilotClientObservationConvention mine = new DefaultPilotClientObservationConvention() {
            @Override
            public String getName() {
                return "my.calls";
            }
        };
        runner().withBean(ObservationRegistry.class, () -> observations)
                .withBean(PilotClientObservationConvention.class, () -> mine).run(context -> {
                    assertThat(context).hasNotFailed();
                    callNobody(context.getBean(PilotClient.class));
                    assertThat(observations).hasSingleObservationThat().hasNameEqualTo("my.calls");
                });
    }

    @Test
    void aGlobalConventionBeanIsHonoured() throws Exception {
        TestObservationRegistry observations = TestObservationRegistry.create();
        GlobalObservationConvention<PilotClientRequestContext> global = new GlobalObservationConvention<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof PilotClientRequestContext;
            }

            @Override
            public String getName() {
                return "global.calls";
            }

            @Override
            public KeyValues getLowCardinalityKeyValues(PilotClientRequestContext context) {
                return KeyValues.of("team", "research");
            }
        };
        runner().withBean(ObservationRegistry.class, () -> observations)
                .withBean(GlobalObservationConvention.class, () -> global).run(context -> {
                    assertThat(context).hasNotFailed();
                    callNobody(context.getBean(PilotClient.class));
                    assertThat(observations).hasSingleObservationThat().hasNameEqualTo("global.calls")
                            .hasLowCardinalityKeyValue("team", "research");
                });
    }

    @Test
    void pilotObservationsCanBeTurnedOffByProperty() throws Exception {
        TestObservationRegistry observations = TestObservationRegistry.create();
        runner().withBean(ObservationRegistry.class, () -> observations)
                .withPropertyValues("management.observations.enable.pilot=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    callNobody(context.getBean(PilotClient.class));
                    assertThat(observations).doesNotHaveAnyObservation();
                });
    }

    @Test
    void withoutObservationTheAgentRunsUnobserved() throws Exception {
        runner().withClassLoader(new FilteredClassLoader(ObservationRegistry.class)).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(PilotClient.class).doesNotHaveBean(ObservationRegistry.class);
            callNobody(context.getBean(PilotClient.class));
        });
    }
}
