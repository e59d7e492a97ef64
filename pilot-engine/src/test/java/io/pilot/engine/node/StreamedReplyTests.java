package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.CountingProducer;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.Waits;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.address.Ports;
import io.pilot.engine.message.BlockingItems;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Streamed replies between real nodes over loopback (docs/PROTOCOL.md §6.6). */
class StreamedReplyTests {

    private static final int PORT = 300;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void itemsArriveInOrderThenTheEnd() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        server.listen(PORT, MessageHandler.streaming(in -> CountingProducer.of(500)));

        List<String> items = readAll(client.requestStream(target(server), Message.of("count")));

        assertThat(items).containsExactlyElementsOf(IntStream.range(0, 500).mapToObj(i -> "item " + i).toList());
    }

    @Test
    void theHandlerSeesTheRequestAndItsCaller() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        server.listen(PORT, MessageHandler.streaming(in -> subscriber -> CountingProducer.of(1).subscribe(
                new Flow.Subscriber<Message>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        subscriber.onSubscribe(s);
                    }

                    @Override
                    public void onNext(Message item) {
                        subscriber.onNext(Message.of(in.message().bodyAsString() + " from " + in.from()));
                    }

                    @Override
                    public void onError(Throwable failure) {
                        subscriber.onError(failure);
                    }

                    @Override
                    public void onComplete() {
                        subscriber.onComplete();
                    }
                })));

        assertThat(readAll(client.requestStream(target(server), Message.of("hello"))))
                .containsExactly("hello from " + client.address());
    }

    @Test
    void aPlainHandlerStreamsItsReplyAsOneItemAndAStreamingPortRefusesPlainRequests() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        server.listen(PORT, MessageHandler.of(in -> Message.of("just one")));
        server.listen(PORT + 1, MessageHandler.streaming(in -> CountingProducer.of(3)));

        assertThat(readAll(client.requestStream(target(server), Message.of("?")))).containsExactly("just one");
        assertThat(RequestReplyTests.failure(client.request(new PilotSocketAddress(server.address(), PORT + 1),
                Message.of("?")))).satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("streams its replies");
    }

    @Test
    void anErrorMidStreamArrivesAfterTheItemsBeforeIt() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        server.listen(PORT, MessageHandler.streaming(in -> new CountingProducer(3,
                n -> new PilotException(ErrorCode.NOT_FOUND, "no more after " + n))));
        server.listen(PORT + 1, MessageHandler.streaming(in -> new CountingProducer(2,
                n -> new IllegalStateException("secret detail"))));

        List<String> items = new ArrayList<>();
        try (BlockingItems<Message> stream = new BlockingItems<>(client.requestStream(target(server), Message.of("?")), 8)) {
            assertThatThrownBy(() -> stream.forEachRemaining(item -> items.add(item.bodyAsString())))
                    .isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                    .hasMessageContaining("no more after 3");
        }
        assertThat(items).containsExactly("item 0", "item 1", "item 2");

        assertThat(streamFailure(client.requestStream(new PilotSocketAddress(server.address(), PORT + 1), Message.of("?"))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret", "IllegalStateException"));
    }

    @Test
    void theProducerIsNeverAskedForMoreThanTheWindow() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        CountingProducer producer = CountingProducer.endless();
        server.listen(PORT, MessageHandler.streaming(in -> producer));

        int window = 8;
        try (BlockingItems<Message> stream = new BlockingItems<>(
                client.requestStream(target(server), Message.of("?"), Duration.ofSeconds(10), window), 64)) {
            for (int i = 0; i < 1000; i++) {
                assertThat(stream.next().bodyAsString()).isEqualTo("item " + i);
            }
        }
        assertThat(producer.maxOutstanding()).isPositive().isLessThanOrEqualTo(window);
    }

    @Test
    void aConsumerThatReadsNothingHoldsTheProducerAtItsWindow() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        CountingProducer producer = CountingProducer.endless();
        server.listen(PORT, MessageHandler.streaming(in -> producer));

        int window = 16;
        // The subscriber asks for everything and then never returns from its first onNext.
        CompletableFuture<Void> release = new CompletableFuture<>();
        client.requestStream(target(server), Message.of("?"), Duration.ofSeconds(30), window)
                .subscribe(new Flow.Subscriber<Message>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(Message item) {
                        release.join();
                    }

                    @Override
                    public void onError(Throwable failure) {
                    }

                    @Override
                    public void onComplete() {
                    }
                });
        await().atMost(10, TimeUnit.SECONDS).until(() -> producer.emitted() == window);
        // Round trips through the same session: any further credit would have arrived before their answers.
        for (int i = 0; i < 3; i++) {
            client.ping(server.address()).join();
        }
        assertThat(producer.emitted()).isEqualTo(window);
        assertThat(producer.maxOutstanding()).isEqualTo(window);
        release.complete(null);
    }

    @Test
    void cancellingStopsTheProducerAndFreesItsPlace() throws Exception {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        AtomicReference<CountingProducer> producer = new AtomicReference<>();
        server.listen(PORT, MessageHandler.streaming(in -> {
            producer.set(CountingProducer.endless());
            return producer.get();
        }), 1);

        try (BlockingItems<Message> stream = new BlockingItems<>(client.requestStream(target(server), Message.of("?")), 4)) {
            for (int i = 0; i < 10; i++) {
                stream.next();
            }
            // The port serves one stream at a time: a second one is refused while the first is open.
            assertThat(streamFailure(client.requestStream(target(server), Message.of("?"))))
                    .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED));
        }
        Waits.awaitLatch(producer.get().cancelled());
        // Its place is free again.
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(readFirst(client, server)).isEqualTo("item 0"));
    }

    @Test
    void theIdleLimitEndsAStreamThatStallsAndCancelsItsProducer() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        AtomicReference<Flow.Subscription> held = new AtomicReference<>();
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        server.listen(PORT, MessageHandler.streaming(in -> subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                held.set(this); // asked, never answers
            }

            @Override
            public void cancel() {
                cancelled.complete(null);
            }
        })));

        assertThat(streamFailure(client.requestStream(target(server), Message.of("?"), Duration.ofMillis(300), 4)))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
        cancelled.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(held.get()).as("the producer was asked for items").isNotNull();
    }

    @Test
    void anItemOverTheCallersLimitFailsTheStreamTooLarge() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server, b -> b.maxMessageSize(1024));
        CountingProducer producer = CountingProducer.endless();
        server.listen(PORT, MessageHandler.streaming(in -> subscriber -> producer.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscriber.onSubscribe(s);
            }

            @Override
            public void onNext(Message item) {
                subscriber.onNext(Message.of(new byte[2000]));
            }

            @Override
            public void onError(Throwable failure) {
                subscriber.onError(failure);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        })));
        server.listen(PORT + 1, MessageHandler.streaming(in -> subscriber -> CountingProducer.of(1).subscribe(
                new Flow.Subscriber<>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        subscriber.onSubscribe(s);
                    }

                    @Override
                    public void onNext(Message item) {
                        subscriber.onNext(Message.of(new byte[20 << 20]));
                    }

                    @Override
                    public void onError(Throwable failure) {
                        subscriber.onError(failure);
                    }

                    @Override
                    public void onComplete() {
                        subscriber.onComplete();
                    }
                })));

        assertThat(streamFailure(client.requestStream(target(server), Message.of("?"))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE))
                .hasMessageContaining("exceeds the limit of 1024 bytes");
        Waits.awaitLatch(producer.cancelled());
        // Over the server's own limit (16 MiB): refused before it is sent.
        assertThat(streamFailure(client.requestStream(new PilotSocketAddress(server.address(), PORT + 1), Message.of("?"))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE))
                .hasMessageContaining("item of 20971520 bytes");
    }

    @Test
    void nothingListeningOrAnInlinePortIsNoListener() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        assertThat(streamFailure(client.requestStream(target(server), Message.of("?"))))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_LISTENER));
        assertThat(streamFailure(client.requestStream(new PilotSocketAddress(server.address(), Ports.ECHO),
                Message.of("?")))).satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_LISTENER));
    }

    @Test
    void losingTheConnectionEndsTheStreamOnBothSides() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        CountingProducer producer = CountingProducer.endless();
        server.listen(PORT, MessageHandler.streaming(in -> producer));
        PilotNode other = connectedTo(server);
        CountingProducer toOther = CountingProducer.endless();
        server.listen(PORT + 1, MessageHandler.streaming(in -> toOther));

        // The caller goes away: the producer is cancelled.
        BlockingItems<Message> stream = new BlockingItems<>(client.requestStream(target(server), Message.of("?")), 4);
        stream.next();
        client.close();
        Waits.awaitLatch(producer.cancelled());

        // The server goes away: the caller hears CONNECTION_LOST.
        try (BlockingItems<Message> second = new BlockingItems<>(
                other.requestStream(new PilotSocketAddress(server.address(), PORT + 1), Message.of("?")), 4)) {
            second.next();
            server.close();
            assertThatThrownBy(() -> second.forEachRemaining(item -> { }))
                    .isInstanceOfSatisfying(PilotException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_LOST));
        }
    }

    // ------------------------------------------------------------------ helpers

    private PilotNode connectedTo(PilotNode server) {
        return connectedTo(server, b -> b);
    }

    private PilotNode connectedTo(PilotNode server, UnaryOperator<PilotNode.Builder> customizer) {
        PilotNode client = nodes.start(customizer);
        client.connect(server.publicKey(), server.localEndpoint()).join();
        return client;
    }

    private static PilotSocketAddress target(PilotNode server) {
        return new PilotSocketAddress(server.address(), PORT);
    }

    private static List<String> readAll(Flow.Publisher<Message> publisher) {
        List<String> items = new ArrayList<>();
        try (BlockingItems<Message> stream = new BlockingItems<>(publisher, 16)) {
            stream.forEachRemaining(item -> items.add(item.bodyAsString()));
        }
        return items;
    }

    private static String readFirst(PilotNode client, PilotNode server) {
        try (BlockingItems<Message> stream = new BlockingItems<>(client.requestStream(target(server), Message.of("?")), 1)) {
            return stream.next().bodyAsString();
        }
    }

    static PilotException streamFailure(Flow.Publisher<Message> publisher) {
        try (BlockingItems<Message> stream = new BlockingItems<>(publisher, 4)) {
            stream.forEachRemaining(item -> { });
        } catch (PilotException e) {
            return e;
        }
        throw new AssertionError("expected the stream to fail");
    }
}
