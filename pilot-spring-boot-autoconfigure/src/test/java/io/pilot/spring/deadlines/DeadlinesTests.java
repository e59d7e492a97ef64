package io.pilot.spring.deadlines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.Capability;
import io.pilot.spring.ImportPilotClients;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.capability.InboundRequest;
import io.pilot.spring.observation.PilotClientRequestContext;
import io.pilot.spring.observation.PilotServerRequestContext;
import io.pilot.spring.runtime.PilotRuntime;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Deadlines across hops and cancellation both ways, over real tunnels: three applications, a caller A, a middle B
 * whose capabilities call C, and a leaf C with slow methods that record how they were stopped.
 */
class DeadlinesTests {

    @TempDir
    Path dir;

    /** The leaf's record of its slow methods: each start, and the reason of each interrupt or cancel. */
    static final BlockingQueue<String> started = new LinkedBlockingQueue<>();
    static final BlockingQueue<ErrorCode> interrupted = new LinkedBlockingQueue<>();
    static volatile CountDownLatch monoCancelled = new CountDownLatch(1);

    @PilotAgent
    static class Leaf {

        @Capability("leaf.deadline")
        long deadline(@Header("deadline") long deadline) {
            return deadline;
        }

        /** Holds until interrupted, and records the reason the request it serves was cancelled for. */
        @Capability("leaf.hold")
        String hold(String in) throws InterruptedException {
            started.add(in);
            try {
                new CountDownLatch(1).await();
                return in;
            } catch (InterruptedException e) {
                interrupted.add(InboundRequest.current().reason());
                throw e;
            }
        }

        /** Fails if the thread it runs on is interrupted. */
        @Capability("leaf.quick")
        String quick() throws InterruptedException {
            Thread.sleep(1);
            return "quick";
        }

        @Capability("leaf.mono")
        Mono<String> mono(String in) {
            return Mono.<String>never().doOnSubscribe(s -> started.add(in)).doOnCancel(() -> monoCancelled.countDown());
        }
    }

    /** Calls the leaf, as applications A and B inject it. */
    interface LeafClient {
        @Capability("leaf.deadline")
        CompletableFuture<Long> deadlineLater();

        @Capability("leaf.deadline")
        Mono<Long> deadlineMono();

        @Capability("leaf.hold")
        Mono<String> holdMono(String in);

        @Capability("leaf.hold")
        CompletableFuture<String> holdLater(String in);
    }

    @Configuration(proxyBeanMethods = false)
    @ImportPilotClients(types = LeafClient.class)
    static class Clients {
    }

    /** Each of its capabilities says the deadline it got and the one its call to the leaf carried. */
    @PilotAgent
    static class Middle {

        private final PilotClient client;
        private final LeafClient leaf;

        Middle(PilotClient client, LeafClient leaf) {
            this.client = client;
            this.leaf = leaf;
        }

        @Capability("middle.anycast")
        Map<String, Long> anycast(@Header("deadline") long mine) {
            return Map.of("mine", mine, "leaf", client.call("leaf.deadline", null, Long.class));
        }

        @Capability("middle.direct")
        Map<String, Long> direct(@Header("deadline") long mine) {
            return Map.of("mine", mine, "leaf", client.capability("leaf.deadline").to("leaf")
                    .timeout(Duration.ofSeconds(50)).call(null, Long.class));
        }

        @Capability("middle.future")
        CompletableFuture<Map<String, Long>> future(@Header("deadline") long mine) {
            return leaf.deadlineLater().thenApply(leafs -> Map.of("mine", mine, "leaf", leafs));
        }

        /** The call to the leaf is made on a Reactor thread, where only the Mono's context knows the request. */
        @Capability("middle.mono")
        Mono<Map<String, Long>> mono(@Header("deadline") long mine) {
            return Mono.delay(Duration.ofMillis(1)).flatMap(tick -> leaf.deadlineMono())
                    .map(leafs -> Map.of("mine", mine, "leaf", leafs));
        }

        /** Holds at the leaf: a cancel of this request must reach it. */
        @Capability("middle.hold")
        String hold(String in) {
            return client.call("leaf.hold", in, String.class);
        }
    }

    @Test
    void deadlinesShrinkAcrossHopsAndCancelsReachTheWork() {
        int backbonePort = freePort();
        BlockingQueue<String> leafServed = new LinkedBlockingQueue<>();
        BlockingQueue<String> called = new LinkedBlockingQueue<>();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort,
                        "pilot.control.enabled=false", "pilot.request-timeout=60s");
        base.withPropertyValues("pilot.hostname=leaf", "pilot.identity.path=" + dir.resolve("c.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(Leaf.class).withBean(ObservationRegistry.class, () -> recording(leafServed))
                .run(leaf -> {
                    assertThat(leaf).hasNotFailed();
                    String backboneKey = leaf.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    ApplicationContextRunner joined = base.withPropertyValues("pilot.backbone.key=" + backboneKey)
                            .withUserConfiguration(Clients.class);
                    joined.withPropertyValues("pilot.hostname=middle", "pilot.identity.path=" + dir.resolve("b.key"))
                            .withBean(Middle.class)
                            .run(middle -> joined.withPropertyValues("pilot.hostname=caller",
                                            "pilot.identity.path=" + dir.resolve("a.key"))
                                    .withBean(ObservationRegistry.class, () -> recording(called))
                                    .run(caller -> {
                                        assertThat(middle).hasNotFailed();
                                        assertThat(caller).hasNotFailed();
                                        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> exercise(
                                                caller.getBean(PilotClient.class), caller.getBean(LeafClient.class),
                                                leafServed, called));
                                    }));
                });
    }

    private static void exercise(PilotClient client, LeafClient leaf, BlockingQueue<String> leafServed,
            BlockingQueue<String> called) throws Exception {
        awaitProviders(client, "leaf.deadline");
        awaitProviders(client, "middle.anycast");

        // A gives 20 s; B's own timeouts are 60 s (its default) and 50 s: what B sends on is less than what it got.
        Duration timeout = Duration.ofSeconds(20);
        for (String hop : new String[] {"middle.anycast", "middle.direct", "middle.future", "middle.mono"}) {
            @SuppressWarnings("unchecked")
            Map<String, Number> seen = client.capability(hop).timeout(timeout).call(null, Map.class);
            long mine = seen.get("mine").longValue();
            long leafs = seen.get("leaf").longValue();
            assertThat(mine).as(hop).isPositive().isLessThanOrEqualTo(timeout.toMillis());
            assertThat(leafs).as(hop).isPositive().isLessThan(mine);
        }

        // A slow synchronous method past the caller's deadline: DEADLINE_EXCEEDED, the method interrupted, the thread
        // free again, and the leaf's observation says so.
        started.clear();
        leafServed.clear();
        called.clear();
        assertThatThrownBy(() -> client.capability("leaf.hold").timeout(Duration.ofMillis(500)).call("late", String.class))
                .isInstanceOfSatisfying(PilotRemoteException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
        assertThat(started.poll(20, TimeUnit.SECONDS)).isEqualTo("late");
        assertThat(interrupted.poll(20, TimeUnit.SECONDS)).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(leafServed.poll(20, TimeUnit.SECONDS)).isEqualTo("leaf.hold DEADLINE_EXCEEDED DEADLINE_EXCEEDED");
        assertThat(called.poll(20, TimeUnit.SECONDS)).isEqualTo("leaf.hold DEADLINE_EXCEEDED DEADLINE_EXCEEDED");
        for (int i = 0; i < 8; i++) {
            assertThat(client.call("leaf.quick", null, String.class)).isEqualTo("quick");
        }

        // A Mono past the deadline: its subscription disposed.
        assertThatThrownBy(() -> client.capability("leaf.mono").timeout(Duration.ofMillis(500)).call("m", String.class))
                .isInstanceOfSatisfying(PilotRemoteException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
        assertThat(started.poll(20, TimeUnit.SECONDS)).isEqualTo("m");
        assertThat(monoCancelled.await(20, TimeUnit.SECONDS)).isTrue();

        // The caller cancels: an anycast's future, a direct call's, an interface's future and its Mono.
        leafServed.clear();
        called.clear();
        CompletableFuture<String> anycast = client.callAsync("leaf.hold", "anycast", String.class);
        cancelOnceStarted(anycast, "anycast");
        assertThat(called.poll(20, TimeUnit.SECONDS)).isEqualTo("leaf.hold CANCELLED CANCELLED");
        assertThat(leafServed.poll(20, TimeUnit.SECONDS)).isEqualTo("leaf.hold CANCELLED CANCELLED");

        cancelOnceStarted(client.capability("leaf.hold").to("leaf").callAsync("direct", String.class), "direct");
        cancelOnceStarted(leaf.holdLater("interface"), "interface");

        Disposable subscription = leaf.holdMono("mono").subscribe();
        assertThat(started.poll(20, TimeUnit.SECONDS)).isEqualTo("mono");
        subscription.dispose();
        assertThat(interrupted.poll(20, TimeUnit.SECONDS)).isEqualTo(ErrorCode.CANCELLED);

        // Two hops: A cancels B's work, whose call to the leaf is cancelled with it.
        CompletableFuture<String> twoHops = client.callAsync("middle.hold", "two hops", String.class);
        cancelOnceStarted(twoHops, "two hops");
        assertThat(client.call("leaf.quick", null, String.class)).isEqualTo("quick");
    }

    /** Cancels {@code call} once the leaf runs it; the leaf's method must then be interrupted for CANCELLED. */
    private static void cancelOnceStarted(CompletableFuture<String> call, String name) throws InterruptedException {
        assertThat(started.poll(20, TimeUnit.SECONDS)).isEqualTo(name);
        assertThat(call.cancel(true)).isTrue();
        assertThat(interrupted.poll(20, TimeUnit.SECONDS)).as(name).isEqualTo(ErrorCode.CANCELLED);
    }

    private static void awaitProviders(PilotClient client, String capability) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (client.find(capability).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(client.find(capability)).isNotEmpty();
    }

    /** Records "capability outcome error.type" of every capability call observed, client or server side, as it stops. */
    private static ObservationRegistry recording(BlockingQueue<String> outcomes) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStop(Observation.Context context) {
                outcomes.add(context.getLowCardinalityKeyValue("pilot.capability").getValue() + " "
                        + context.getLowCardinalityKeyValue("pilot.outcome").getValue() + " "
                        + context.getLowCardinalityKeyValue("error.type").getValue());
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof PilotServerRequestContext || context instanceof PilotClientRequestContext;
            }
        });
        return registry;
    }

    private static int freePort() {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
