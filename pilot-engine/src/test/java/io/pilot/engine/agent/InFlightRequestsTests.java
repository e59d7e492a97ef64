package io.pilot.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.message.BlockingItems;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import org.junit.jupiter.api.Test;

class InFlightRequestsTests {

    private final InFlightRequests inFlight = new InFlightRequests();

    @Test
    void aRequestCountsUntilItsReplyIsReady() throws Exception {
        CompletableFuture<Message> reply = new CompletableFuture<>();
        MessageHandler handler = inFlight.track(in -> reply);

        CompletionStage<Message> answered = handler.handle(null);

        assertThat(inFlight.count()).isEqualTo(1);
        assertThat(inFlight.awaitIdle(Duration.ZERO)).isFalse();
        reply.complete(Message.of("done"));
        assertThat(answered.toCompletableFuture().join().bodyAsString()).isEqualTo("done");
        assertThat(inFlight.count()).isZero();
        assertThat(inFlight.awaitIdle(Duration.ZERO)).isTrue();
    }

    @Test
    void aFailedReplyOrAThrowingHandlerIsDoneToo() {
        MessageHandler failing = inFlight.track(in -> CompletableFuture.failedFuture(new IllegalStateException("no")));
        MessageHandler throwing = inFlight.track(in -> {
            throw new IllegalArgumentException("bad");
        });

        assertThat(catchFailure(failing)).isTrue();
        assertThatThrownBy(() -> throwing.handle(null)).hasMessage("bad");

        assertThat(inFlight.count()).isZero();
    }

    @Test
    void waitingEndsWhenTheLastRequestIsDone() throws Exception {
        CompletableFuture<Message> reply = new CompletableFuture<>();
        inFlight.track(in -> reply).handle(null);
        new Thread(() -> reply.complete(Message.empty())).start();

        assertThat(inFlight.awaitIdle(Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void aStreamedRequestKeepsItsHandlersItemsAndCountsUntilTheStreamEnds() throws Exception {
        MessageHandler handler = inFlight.track(MessageHandler.streaming(in -> new SubmissionPublisherOf("a", "b")));

        List<String> items = new ArrayList<>();
        try (BlockingItems<Message> stream = new BlockingItems<>(handler.handleStream(null), 1)) {
            assertThat(inFlight.count()).isEqualTo(1);
            stream.forEachRemaining(m -> items.add(m.bodyAsString()));
        }

        assertThat(items).containsExactly("a", "b");
        assertThat(inFlight.count()).isZero();
    }

    @Test
    void aCancelledStreamIsDone() throws Exception {
        MessageHandler handler = inFlight.track(MessageHandler.streaming(in -> new SubmissionPublisherOf("a", "b", "c")));
        BlockingItems<Message> stream = new BlockingItems<>(handler.handleStream(null), 1);
        assertThat(stream.next().bodyAsString()).isEqualTo("a");

        stream.close();

        assertThat(inFlight.count()).isZero();
    }

    /** A publisher of a few items that honours demand, sending on the requesting thread. */
    private record SubmissionPublisherOf(String... items) implements Flow.Publisher<Message> {
        @Override
        public void subscribe(Flow.Subscriber<? super Message> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private int next;
                private boolean done;

                @Override
                public synchronized void request(long n) {
                    for (long i = 0; i < n && !done; i++) {
                        if (next == items.length) {
                            done = true;
                            subscriber.onComplete();
                        } else {
                            subscriber.onNext(Message.of(items[next++]));
                        }
                    }
                }

                @Override
                public synchronized void cancel() {
                    done = true;
                }
            });
        }
    }

    private static boolean catchFailure(MessageHandler handler) {
        try {
            return handler.handle(null).toCompletableFuture().isCompletedExceptionally();
        } catch (Exception e) {
            return false;
        }
    }
}
