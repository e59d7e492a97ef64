package io.pilot.spring.autoconfigure;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.pilot.engine.address.PilotAddress;
import io.pilot.spring.GroupListener;
import io.pilot.spring.PilotClient;
import io.pilot.spring.observation.DefaultPilotBroadcastObservationConvention;
import io.pilot.spring.observation.DefaultPilotGroupListenerObservationConvention;
import io.pilot.spring.observation.PilotBroadcastContext;
import io.pilot.spring.observation.PilotBroadcastObservationConvention;
import io.pilot.spring.observation.PilotGroupListenerContext;
import io.pilot.spring.observation.PilotGroupListenerObservationConvention;
import io.pilot.spring.runtime.PilotRuntime;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Broadcasts between two running agents observed on both sides: the broadcast as a producer in the sender's
 * registry, each {@code @GroupListener} invocation as a consumer in the listener's, with their outcomes. Each
 * application also declares a convention bean that adds a key to the defaults, which shows the auto-configuration
 * passes it on.
 */
class BroadcastObservationTests {

    private static final String PUBLISH = "pilot.broadcast.publish";
    private static final String PROCESS = "pilot.broadcast.process";

    @TempDir
    Path dir;

    record Notice(String topic) {
    }

    static class Listeners {
        @GroupListener("RESEARCH")
        void heard(Notice notice, PilotAddress from) {
        }

        @GroupListener("RESEARCH")
        void failing(Notice notice) {
            throw new IllegalStateException("this listener always fails");
        }
    }

    /** The default broadcast convention and one key more. */
    static class TeamBroadcasts extends DefaultPilotBroadcastObservationConvention {
        @Override
        public KeyValues getLowCardinalityKeyValues(PilotBroadcastContext context) {
            return super.getLowCardinalityKeyValues(context).and("team", "senders");
        }
    }

    /** The default listener convention and one key more. */
    static class TeamListeners extends DefaultPilotGroupListenerObservationConvention {
        @Override
        public KeyValues getLowCardinalityKeyValues(PilotGroupListenerContext context) {
            return super.getLowCardinalityKeyValues(context).and("team", "listeners");
        }
    }

    @Test
    void broadcastsAndListenersAreObserved() throws Exception {
        TestObservationRegistry listening = TestObservationRegistry.create();
        TestObservationRegistry sending = TestObservationRegistry.create();
        AtomicInteger stopped = countStoppedListenerObservations(listening);
        int backbonePort = PilotAutoConfigurationTests.freePort();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort);
        base.withPropertyValues("pilot.hostname=listener", "pilot.identity.path=" + dir.resolve("listener.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(Listeners.class).withBean(ObservationRegistry.class, () -> listening)
                .withBean(PilotGroupListenerObservationConvention.class, TeamListeners::new)
                .run(listener -> {
                    assertThat(listener).hasNotFailed();
                    String listenersBean = listener.getBeanNamesForType(Listeners.class)[0];
                    String backboneKey = listener.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    base.withPropertyValues("pilot.hostname=sender", "pilot.identity.path=" + dir.resolve("sender.key"),
                                    "pilot.groups=RESEARCH,LONELY", "pilot.backbone.key=" + backboneKey)
                            .withBean(ObservationRegistry.class, () -> sending)
                            .withBean(PilotBroadcastObservationConvention.class, TeamBroadcasts::new)
                            .run(sender -> {
                                assertThat(sender).hasNotFailed();
                                String senderAddress = sender.getBean(PilotRuntime.class).address().toString();
                                exercise(sender.getBean(PilotClient.class), sending, listening, stopped, listenersBean,
                                        senderAddress);
                            });
                });
    }

    private static void exercise(PilotClient client, TestObservationRegistry sending, TestObservationRegistry listening,
            AtomicInteger stopped,
            String listenersBean, String senderAddress) {
        assertThat(client.broadcast("RESEARCH", new Notice("attention")).delivered()).hasSize(1);
        assertThat(sending).hasSingleObservationThat().hasNameEqualTo(PUBLISH)
                .hasContextualNameEqualTo("publish RESEARCH")
                .hasLowCardinalityKeyValue("pilot.group", "RESEARCH")
                .hasLowCardinalityKeyValue("pilot.outcome", "SUCCESS")
                .hasLowCardinalityKeyValue("error.type", "none")
                .hasLowCardinalityKeyValue("messaging.system", "pilot")
                .hasLowCardinalityKeyValue("messaging.destination.name", "RESEARCH")
                .hasLowCardinalityKeyValue("messaging.operation.type", "publish")
                .hasLowCardinalityKeyValue("team", "senders")
                .hasHighCardinalityKeyValue("pilot.broadcast.delivered", "1")
                .hasHighCardinalityKeyValue("pilot.broadcast.unreached", "0")
                .doesNotHaveError().hasBeenStopped();
        awaitStopped(stopped, 2);
        assertThat(listening).hasNumberOfObservationsWithNameEqualTo(PROCESS, 2)
                .forAllObservationsWithNameEqualTo(PROCESS, o -> o.hasContextualNameEqualTo("process RESEARCH")
                        .hasLowCardinalityKeyValue("pilot.group", "RESEARCH")
                        .hasLowCardinalityKeyValue("messaging.system", "pilot")
                        .hasLowCardinalityKeyValue("messaging.destination.name", "RESEARCH")
                        .hasLowCardinalityKeyValue("messaging.operation.type", "process")
                        .hasLowCardinalityKeyValue("team", "listeners")
                        .hasHighCardinalityKeyValue("pilot.peer.address", senderAddress))
                .hasAnObservation(o -> o.hasLowCardinalityKeyValue("pilot.listener", listenersBean + ".heard")
                        .hasLowCardinalityKeyValue("pilot.outcome", "SUCCESS")
                        .hasLowCardinalityKeyValue("error.type", "none").doesNotHaveError())
                .hasAnObservation(o -> o.hasLowCardinalityKeyValue("pilot.listener", listenersBean + ".failing")
                        .hasLowCardinalityKeyValue("pilot.outcome", "INTERNAL")
                        .hasLowCardinalityKeyValue("error.type", "INTERNAL").hasError());

        // A broadcast neither listener can read: both observed as refusing it.
        sending.clear();
        listening.clear();
        client.broadcast("RESEARCH", "not a notice");
        awaitStopped(stopped, 4);
        assertThat(listening).forAllObservationsWithNameEqualTo(PROCESS,
                o -> o.hasLowCardinalityKeyValue("pilot.outcome", "INVALID_ARGUMENT")
                        .hasLowCardinalityKeyValue("error.type", "INVALID_ARGUMENT").hasError());

        // A group with no other member: observed, nobody reached, nothing failed.
        sending.clear();
        assertThat(client.broadcast("LONELY", "anyone?").delivered()).isEmpty();
        assertThat(sending).hasSingleObservationThat().hasLowCardinalityKeyValue("pilot.group", "LONELY")
                .hasLowCardinalityKeyValue("pilot.outcome", "SUCCESS")
                .hasHighCardinalityKeyValue("pilot.broadcast.delivered", "0");

        // A group name Pilot refuses: a clear error, nothing sent, nothing observed.
        sending.clear();
        assertThatThrownBy(() -> client.broadcast("no spaces allowed", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(sending).doesNotHaveAnyObservation();
    }

    /**
     * Waits until {@code count} listener observations have ended (listeners run after the broadcast returns), as
     * counted by a handler of the listening registry.
     */
    private static void awaitStopped(AtomicInteger stopped, int count) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> stopped.get() >= count);
    }

    /** Counts the listener observations that ended. */
    private static AtomicInteger countStoppedListenerObservations(ObservationRegistry registry) {
        AtomicInteger stopped = new AtomicInteger();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof PilotGroupListenerContext;
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.incrementAndGet();
            }
        });
        return stopped;
    }
}
