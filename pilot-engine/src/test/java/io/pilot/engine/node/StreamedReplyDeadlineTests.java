package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.CountingProducer;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.Waits;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.BlockingItems;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A streamed reply's deadline and the handler's cancellation (docs/PROTOCOL.md §6.6, "Time limits"), between real
 * nodes over loopback. The producers here stall after a few items, so only the deadline (or the caller) can end their
 * streams; the idle limits are long, as hang guards.
 */
class StreamedReplyDeadlineTests {

    private static final int PORT = 300;
    private static final Duration IDLE = Duration.ofSeconds(30);

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void aStreamPastItsDeadlineEndsDeadlineExceededAfterItsItemsAndItsProducerAndHandlerAreCancelled() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        Served served = new Served(3);
        server.listen(PORT, MessageHandler.streaming(served::handle));

        List<String> items = new ArrayList<>();
        try (BlockingItems<Message> stream = new BlockingItems<>(
                client.requestStream(target(server), Message.of("?"), IDLE, 8, Duration.ofMillis(400)), 8)) {
            assertThatThrownBy(() -> stream.forEachRemaining(item -> items.add(item.bodyAsString())))
                    .isInstanceOfSatisfying(PilotException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED))
                    .hasMessageContaining("did not end the stream within the caller's deadline of");
        }
        assertThat(items).containsExactly("item 0", "item 1", "item 2");
        Waits.awaitLatch(served.producerCancelled);
        Waits.awaitLatch(served.handlerCancelled);
        assertThat(served.reason.get()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(served.remaining.get()).hasValueSatisfying(left -> assertThat(left).isLessThanOrEqualTo(Duration.ofMillis(400)));
    }

    @Test
    void aStreamWithinItsDeadlineEndsNormallyAndItsHandlerIsNotCancelled() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        AtomicReference<IncomingMessage> request = new AtomicReference<>();
        server.listen(PORT, MessageHandler.streaming(in -> {
            request.set(in);
            return CountingProducer.of(5);
        }));

        List<String> items = new ArrayList<>();
        try (BlockingItems<Message> stream = new BlockingItems<>(
                client.requestStream(target(server), Message.of("?"), IDLE, 8, Duration.ofSeconds(60)), 8)) {
            stream.forEachRemaining(item -> items.add(item.bodyAsString()));
        }
        assertThat(items).hasSize(5);
        assertThat(request.get().cancellation().remaining()).isPresent();
        assertThat(request.get().cancellation().isCancelled()).isFalse();
    }

    @Test
    void withoutATotalLimitTheServerSeesNoDeadline() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        AtomicReference<IncomingMessage> request = new AtomicReference<>();
        server.listen(PORT, MessageHandler.streaming(in -> {
            request.set(in);
            return CountingProducer.of(2);
        }));

        try (BlockingItems<Message> stream = new BlockingItems<>(client.requestStream(target(server), Message.of("?")), 4)) {
            stream.forEachRemaining(item -> { });
        }
        assertThat(request.get().message().header(Headers.DEADLINE)).isNull();
        assertThat(request.get().cancellation().remaining()).isEmpty();
    }

    @Test
    void aDeadlineTheRequestCarriesWinsWhenItIsShorter() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        Served served = new Served(1);
        server.listen(PORT, MessageHandler.streaming(served::handle));

        // A handler passing on what is left of its own (300 ms) asks for a total of a minute: 300 ms it is.
        Message propagated = Message.of("?").with(Headers.DEADLINE, "300");
        PilotException failure = StreamedReplyTests.streamFailure(
                client.requestStream(target(server), propagated, IDLE, 8, Duration.ofSeconds(60)));
        assertThat(failure.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(served.remaining.get()).hasValueSatisfying(left -> assertThat(left).isLessThanOrEqualTo(Duration.ofMillis(300)));

        // Carried without any total asked, it bounds the stream all the same.
        Served second = new Served(1);
        server.listen(PORT + 1, MessageHandler.streaming(second::handle));
        assertThat(StreamedReplyTests.streamFailure(client.requestStream(new PilotSocketAddress(server.address(), PORT + 1),
                propagated)).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        Waits.awaitLatch(second.handlerCancelled);
        assertThat(second.reason.get()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
    }

    @Test
    void aShorterTotalLimitWinsOverALongerCarriedDeadline() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        Served served = new Served(1);
        server.listen(PORT, MessageHandler.streaming(served::handle));

        Message propagated = Message.of("?").with(Headers.DEADLINE, "600000");
        assertThat(StreamedReplyTests.streamFailure(client.requestStream(target(server), propagated, IDLE, 8,
                Duration.ofMillis(300))).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(served.remaining.get()).hasValueSatisfying(left -> assertThat(left).isLessThanOrEqualTo(Duration.ofMillis(300)));
    }

    @Test
    void aMalformedDeadlineOfTheCallersOwnIsRefusedAndNothingSent() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        AtomicInteger handled = new AtomicInteger();
        server.listen(PORT, MessageHandler.streaming(in -> {
            handled.incrementAndGet();
            return CountingProducer.of(1);
        }));

        PilotException failure = StreamedReplyTests.streamFailure(
                client.requestStream(target(server), Message.of("?").with(Headers.DEADLINE, "soon")));
        assertThat(failure.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(failure).hasMessageContaining("got 'soon'");
        // The port still serves, and the refused request never reached it.
        try (BlockingItems<Message> stream = new BlockingItems<>(client.requestStream(target(server), Message.of("?")), 1)) {
            stream.forEachRemaining(item -> { });
        }
        assertThat(handled).as("only the second request reached the handler").hasValue(1);
        assertThatThrownBy(() -> client.requestStream(target(server), Message.of("?"), IDLE, 8, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadline must be positive");
    }

    @Test
    void aCallerThatCancelsCancelsTheHandlerWithCancelled() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        Served served = new Served(2);
        server.listen(PORT, MessageHandler.streaming(served::handle));

        try (BlockingItems<Message> stream = new BlockingItems<>(
                client.requestStream(target(server), Message.of("?"), IDLE, 8, Duration.ofSeconds(60)), 8)) {
            assertThat(stream.next().bodyAsString()).isEqualTo("item 0");
        } // closing before the end cancels
        Waits.awaitLatch(served.producerCancelled);
        Waits.awaitLatch(served.handlerCancelled);
        assertThat(served.reason.get()).isEqualTo(ErrorCode.CANCELLED);
    }

    @Test
    void aClosedConnectionCancelsTheHandlerWithCancelled() {
        PilotNode server = nodes.start();
        PilotNode client = connectedTo(server);
        Served served = new Served(2);
        server.listen(PORT, MessageHandler.streaming(served::handle));

        BlockingItems<Message> stream = new BlockingItems<>(client.requestStream(target(server), Message.of("?")), 8);
        assertThat(stream.next().bodyAsString()).isEqualTo("item 0");
        client.close();
        Waits.awaitLatch(served.producerCancelled);
        Waits.awaitLatch(served.handlerCancelled);
        assertThat(served.reason.get()).isEqualTo(ErrorCode.CANCELLED);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * A streaming handler whose producer sends {@code items} items as asked and then stalls: never another item, never
     * an end. Records the request's deadline, its cancellation's reason and the producer's cancel.
     */
    private static final class Served {
        private final int items;
        final CountDownLatch producerCancelled = new CountDownLatch(1);
        final CountDownLatch handlerCancelled = new CountDownLatch(1);
        final AtomicReference<ErrorCode> reason = new AtomicReference<>();
        final AtomicReference<Optional<Duration>> remaining = new AtomicReference<>();

        Served(int items) {
            this.items = items;
        }

        Flow.Publisher<Message> handle(IncomingMessage in) {
            remaining.set(in.cancellation().remaining());
            in.cancellation().onCancel(() -> {
                reason.set(in.cancellation().reason());
                handlerCancelled.countDown();
            });
            return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
                private int sent;

                @Override
                public synchronized void request(long n) {
                    for (long i = 0; i < n && sent < items; i++) {
                        subscriber.onNext(Message.of("item " + sent++));
                    }
                }

                @Override
                public void cancel() {
                    producerCancelled.countDown();
                }
            });
        }
    }

    private PilotNode connectedTo(PilotNode server) {
        PilotNode client = nodes.start();
        client.connect(server.publicKey(), server.localEndpoint()).join();
        return client;
    }

    private static PilotSocketAddress target(PilotNode server) {
        return new PilotSocketAddress(server.address(), PORT);
    }
}
