package io.pilot.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

    private static boolean catchFailure(MessageHandler handler) {
        try {
            return handler.handle(null).toCompletableFuture().isCompletedExceptionally();
        } catch (Exception e) {
            return false;
        }
    }
}
