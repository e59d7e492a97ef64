package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.session.EventLoopThreads;
import io.pilot.spring.GroupListener;
import io.pilot.spring.PilotClient;
import io.pilot.spring.runtime.PilotRuntime;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Broadcasts reach the {@code @GroupListener} methods of their group, in another application, with the sender. */
class GroupListenerTests {

    @TempDir
    Path dir;

    record Notice(String topic) {
    }

    /** Received by the listeners, in order. */
    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
    static final AtomicInteger FAILING_CALLS = new AtomicInteger();

    static class Listeners {
        @GroupListener("RESEARCH")
        void notice(Notice notice, PilotAddress from) {
            RECEIVED.add("RESEARCH " + notice.topic() + " from " + from);
        }

        @GroupListener("RESEARCH")
        void failing(Notice notice) {
            FAILING_CALLS.incrementAndGet();
            throw new IllegalStateException("this listener always fails");
        }

        @GroupListener("TRADING")
        void trading(PilotAddress from, String text) {
            RECEIVED.add("TRADING " + text);
        }
    }

    /** Where each broadcast was handled: on the event loop or not, by group. */
    static final List<String> THREADS = new CopyOnWriteArrayList<>();

    static class LoopListeners {
        @GroupListener(value = "DESK", eventLoop = true)
        void desk(String text) {
            THREADS.add("DESK " + text + (EventLoopThreads.isCurrent() ? " on the loop" : " off the loop"));
        }

        @GroupListener("POOL")
        void pool(String text) {
            THREADS.add("POOL " + text + (EventLoopThreads.isCurrent() ? " on the loop" : " off the loop"));
        }
    }

    static class TooManyParameters {
        @GroupListener("RESEARCH")
        void wrong(String a, String b) {
        }
    }

    @Test
    void broadcastsReachTheListenersOfTheirGroupOnly() throws Exception {
        RECEIVED.clear();
        int backbonePort = PilotAutoConfigurationTests.freePort();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort);
        base.withPropertyValues("pilot.hostname=listener", "pilot.identity.path=" + dir.resolve("listener.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(Listeners.class)
                .run(listener -> {
                    assertThat(listener).hasNotFailed();
                    String backboneKey = listener.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    base.withPropertyValues("pilot.hostname=sender", "pilot.identity.path=" + dir.resolve("sender.key"),
                                    "pilot.groups=TRADING,RESEARCH",
                                    "pilot.backbone.key=" + backboneKey)
                            .run(sender -> {
                                assertThat(sender).hasNotFailed();
                                PilotClient client = sender.getBean(PilotClient.class);
                                PilotAddress senderAddress = sender.getBean(PilotRuntime.class).node().address();

                                // Declaring listeners joined both groups.
                                assertThat(client.broadcast("TRADING", "hello traders").delivered())
                                        .extracting(NodeRecord::hostname).containsExactly("listener");
                                assertThat(client.broadcast("RESEARCH", "not a notice").delivered()).hasSize(1);
                                assertThat(client.broadcast("RESEARCH", new Notice("attention")).delivered()).hasSize(1);

                                await().atMost(10, TimeUnit.SECONDS).until(() -> RECEIVED.size() == 2);
                                assertThat(RECEIVED).containsExactlyInAnyOrder("TRADING hello traders",
                                        "RESEARCH attention from " + senderAddress);
                                // The failing listener ran on the notice; the one that did not map reached nobody.
                                await().atMost(10, TimeUnit.SECONDS).until(() -> FAILING_CALLS.get() == 1);
                                // A failing listener does not stop the next broadcast.
                                client.broadcast("RESEARCH", new Notice("consensus"));
                                await().atMost(10, TimeUnit.SECONDS).until(() -> RECEIVED.size() == 3);
                                assertThat(RECEIVED.get(2)).isEqualTo("RESEARCH consensus from " + senderAddress);
                            });
                });
    }

    @Test
    void aListenerOnTheEventLoopGetsBroadcastsThereOnceTheSenderIsKnownToBeAMember() throws Exception {
        THREADS.clear();
        ProviderAndCaller.run(dir, "listener", LoopListeners.class, (listener, backbone, sender) -> {
            PilotClient client = sender.getBean(PilotClient.class);
            // The first broadcast may find the sender not yet known to be a member: checked off the loop, as by default.
            for (int i = 0; i < 20 && THREADS.stream().noneMatch(t -> t.endsWith(" on the loop")); i++) {
                assertThat(client.broadcast("DESK", "quote " + i).delivered()).hasSize(1);
                int expected = i + 1;
                await().atMost(10, TimeUnit.SECONDS).until(() -> THREADS.size() == expected);
            }
            assertThat(THREADS).anyMatch(t -> t.startsWith("DESK ") && t.endsWith(" on the loop"));
            assertThat(client.broadcast("POOL", "order").delivered()).hasSize(1);
            await().atMost(10, TimeUnit.SECONDS).until(() -> THREADS.stream().anyMatch(t -> t.startsWith("POOL ")));
            assertThat(THREADS).filteredOn(t -> t.startsWith("POOL ")).containsExactly("POOL order off the loop");
        }, "pilot.groups=DESK,POOL");
    }

    @Test
    void aListenerWithParametersItCannotFillFailsTheContextNamingIt() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.hostname=wrong", "pilot.identity.path=" + dir.resolve("w.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(TooManyParameters.class)
                .run(context -> assertThatThrownBy(() -> context.getBean(TooManyParameters.class))
                        .rootCause().hasMessageContaining("TooManyParameters.wrong")
                        .hasMessageContaining("takes more than a message and the sender's PilotAddress"));
    }
}
