package io.pilot.spring.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.message.BlockingItems;
import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotCapabilityException;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.ParameterizedTypeReference;

import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * Streamed replies between two Spring applications (separate contexts, separate nodes) over a real tunnel on loopback:
 * capabilities returning {@code Flux}, {@code Stream} and {@code Flow.Publisher} served item by item with the engine's
 * flow control, read as a {@code Flux}, as a blocking iterator and through a client interface; errors typed after the
 * items before them; the caller's cancel reaching the producer; a consumer that stops reading stopping the producer at
 * the window; an oversized item; items of the wrong shape.
 */
class StreamedRepliesTests {

    /** The window of a streamed call: what a producer may run ahead of a consumer that stopped reading. */
    private static final int WINDOW = 32;

    @TempDir
    Path dir;

    record Tick(int n) {
    }

    /** What the producer's streams did, as the producer counted it. */
    static class Producer {
        final AtomicInteger infiniteFluxEmitted = new AtomicInteger();
        final CountDownLatch infiniteFluxCancelled = new CountDownLatch(1);
        final AtomicInteger infiniteStreamPulled = new AtomicInteger();
        final CountDownLatch infiniteStreamClosed = new CountDownLatch(1);
        final CountDownLatch finiteStreamClosed = new CountDownLatch(1);
    }

    @PilotAgent
    static class CountingAgent {

        private final Producer producer;

        CountingAgent(Producer producer) {
            this.producer = producer;
        }

        @Capability("count.flux")
        Flux<Tick> flux(int n) {
            return Flux.range(1, n).map(Tick::new);
        }

        @Capability("count.stream")
        Stream<Tick> stream(int n) {
            return IntStream.rangeClosed(1, n).mapToObj(Tick::new).onClose(producer.finiteStreamClosed::countDown);
        }

        @Capability("count.publisher")
        Flow.Publisher<Tick> publisher(int n) {
            // A SubmissionPublisher drops what is submitted before anyone subscribes: submit from the subscription on.
            return subscriber -> {
                SubmissionPublisher<Tick> publisher = new SubmissionPublisher<>();
                publisher.subscribe(subscriber);
                Thread submitter = new Thread(() -> {
                    for (int i = 1; i <= n; i++) {
                        publisher.submit(new Tick(i)); // blocks while the subscriber's buffer is full
                    }
                    publisher.close();
                });
                submitter.setDaemon(true);
                submitter.start();
            };
        }

        @Capability("count.failing")
        Flux<Tick> failing(int n) {
            return Flux.range(1, n).map(Tick::new).concatWith(Flux.error(PilotCapabilityException.notFound("tick " + (n + 1) + " is gone")));
        }

        @Capability("count.broken")
        Stream<Tick> broken() {
            return Stream.iterate(1, i -> {
                if (i == 2) {
                    throw new IllegalStateException("secret database password");
                }
                return i + 1;
            }).map(Tick::new);
        }

        @Capability("count.forever")
        Flux<Tick> forever() {
            return Flux.<Tick>generate(sink -> sink.next(new Tick(producer.infiniteFluxEmitted.incrementAndGet())))
                    .doOnCancel(producer.infiniteFluxCancelled::countDown);
        }

        @Capability("count.forever-stream")
        Stream<Tick> foreverStream() {
            return Stream.generate(() -> new Tick(producer.infiniteStreamPulled.incrementAndGet()))
                    .onClose(producer.infiniteStreamClosed::countDown);
        }

        @Capability("count.huge")
        Flux<String> huge() {
            return Flux.just("small", "x".repeat(100_000), "never");
        }

        @Capability("count.one")
        Tick one(int n) {
            return new Tick(n);
        }
    }

    /** A client interface whose methods stream. */
    interface Counter {
        @Capability("count.flux")
        Flux<Tick> ticks(int n);

        @Capability("count.stream")
        Stream<Tick> tickStream(int n);
    }

    @Test
    void streamedRepliesOverARealTunnel() throws Exception {
        int backbonePort = freePort();
        Producer producer = new Producer();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort,
                        "pilot.control.enabled=false", "pilot.request-timeout=10s");
        base.withPropertyValues("pilot.hostname=counter", "pilot.identity.path=" + dir.resolve("counter.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"),
                        "pilot.max-message-size=64KB")
                .withBean(Producer.class, () -> producer)
                .withBean(CountingAgent.class)
                .run(counter -> {
                    assertThat(counter).hasNotFailed();
                    String backboneKey = counter.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    base.withPropertyValues("pilot.backbone.key=" + backboneKey, "pilot.hostname=reader",
                                    "pilot.identity.path=" + dir.resolve("reader.key"))
                            .run(reader -> {
                                assertThat(reader).hasNotFailed();
                                exercise(reader.getBean(PilotClient.class), producer);
                            });
                });
    }

    private static void exercise(PilotClient client, Producer producer) throws Exception {
        // Flux, Stream and Flow.Publisher producers, to a Flux consumer: in order, complete.
        List<Tick> hundred = IntStream.rangeClosed(1, 100).mapToObj(Tick::new).toList();
        for (String capability : List.of("count.flux", "count.stream", "count.publisher")) {
            assertThat(client.capability(capability).stream(100, Tick.class).collectList().block(Duration.ofSeconds(30)))
                    .as(capability).isEqualTo(hundred);
        }
        assertThat(producer.finiteStreamClosed.await(10, TimeUnit.SECONDS)).as("the Stream closed at its end").isTrue();
        // ... and to a blocking iterator, to a named agent, generic item type.
        for (String capability : List.of("count.flux", "count.stream", "count.publisher")) {
            List<Tick> read = new ArrayList<>();
            try (BlockingItems<Tick> items = client.capability(capability).to("counter")
                    .streamItems(100, new ParameterizedTypeReference<Tick>() { })) {
                items.forEachRemaining(read::add);
            }
            assertThat(read).as(capability).isEqualTo(hundred);
        }

        // A client interface returning Flux<T>, and Stream<T> closed by its caller.
        Counter counterApi = client.capabilities(Counter.class);
        assertThat(counterApi.ticks(3).collectList().block(Duration.ofSeconds(30)))
                .containsExactly(new Tick(1), new Tick(2), new Tick(3));
        try (Stream<Tick> ticks = counterApi.tickStream(4)) {
            assertThat(ticks.map(Tick::n).toList()).containsExactly(1, 2, 3, 4);
        }

        // An error mid-stream arrives typed, after the items before it; a bug arrives INTERNAL, nothing leaked.
        List<Tick> before = new ArrayList<>();
        assertThatThrownBy(() -> client.capability("count.failing").stream(3, Tick.class).doOnNext(before::add)
                .blockLast(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.detail()).isEqualTo("tick 4 is gone");
                    assertThat(e.capability()).isEqualTo("count.failing");
                });
        assertThat(before).containsExactly(new Tick(1), new Tick(2), new Tick(3));
        List<Tick> beforeBug = new ArrayList<>();
        try (BlockingItems<Tick> items = client.capability("count.broken").streamItems(null, Tick.class)) {
            assertThatThrownBy(() -> items.forEachRemaining(beforeBug::add))
                    .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                        assertThat(e.capability()).isEqualTo("count.broken");
                        assertThat(e.getMessage()).doesNotContain("secret", "IllegalStateException");
                    });
        }
        assertThat(beforeBug).containsExactly(new Tick(1), new Tick(2));

        // take(3) on an infinite producer cancels it.
        assertThat(client.capability("count.forever").stream(null, Tick.class).take(3).map(Tick::n).collectList()
                .block(Duration.ofSeconds(30))).containsExactly(1, 2, 3);
        assertThat(producer.infiniteFluxCancelled.await(10, TimeUnit.SECONDS)).as("the producer's Flux was cancelled").isTrue();

        // A consumer that asks for 5 and then nothing: the producer emits 5, and stays there.
        producer.infiniteFluxEmitted.set(0);
        List<Tick> asked = new ArrayList<>();
        BaseSubscriber<Tick> stingy = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                request(5);
            }

            @Override
            protected void hookOnNext(Tick value) {
                asked.add(value);
            }
        };
        client.capability("count.forever").stream(null, Tick.class).subscribe(stingy);
        await(() -> asked.size() == 5, "five items");
        Thread.sleep(300); // room for the producer to run ahead, were it not held back
        assertThat(producer.infiniteFluxEmitted.get()).isEqualTo(5);
        stingy.dispose();

        // A reader that stops reading: the producer's Stream is pulled up to the window, no further; closing closes it.
        BlockingItems<Tick> stalled = client.capability("count.forever-stream").streamItems(null, Tick.class);
        assertThat(stalled.next()).isEqualTo(new Tick(1));
        await(() -> producer.infiniteStreamPulled.get() >= WINDOW, "the window filled");
        Thread.sleep(300);
        assertThat(producer.infiniteStreamPulled.get()).isLessThanOrEqualTo(WINDOW);
        stalled.close();
        assertThat(producer.infiniteStreamClosed.await(10, TimeUnit.SECONDS)).as("the producer's Stream was closed").isTrue();

        // An item over the producer's size limit: TOO_LARGE after the item before it.
        List<String> small = new ArrayList<>();
        assertThatThrownBy(() -> client.capability("count.huge").stream(null, String.class).doOnNext(small::add)
                .blockLast(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        assertThat(small).containsExactly("small");

        // Items of the wrong shape: typed, naming the capability.
        assertThatThrownBy(() -> client.capability("count.flux").stream(2, Integer.class).blockLast(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL);
                    assertThat(e.getMessage()).startsWith("count.flux: a streamed item does not read as java.lang.Integer");
                });

        // A plain call of a streaming capability is refused; a stream of a plain one is its one reply.
        assertThatThrownBy(() -> client.call("count.flux", 3, Object.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.detail()).isEqualTo("capability 'count.flux' streams its reply; call it with stream()");
                });
        assertThat(client.capability("count.one").stream(7, Tick.class).collectList().block(Duration.ofSeconds(30)))
                .containsExactly(new Tick(7));

        // No such capability: typed.
        assertThatThrownBy(() -> client.capability("count.none").to("counter").stream(null, Tick.class)
                .blockLast(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_LISTENER));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }
}
