package io.pilot.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class OutgoingCallsTests {

    private final OutgoingCalls calls = new OutgoingCalls();

    @Test
    void aCallCountsUntilItsFutureCompletesAndTheCallerKeepsThatFuture() {
        CompletableFuture<String> reply = new CompletableFuture<>();

        CompletableFuture<String> returned = calls.track(() -> reply);

        assertThat(returned).isSameAs(reply);
        assertThat(calls.count()).isEqualTo(1);
        assertThat(calls.awaitIdleUntil(System.nanoTime())).isFalse();
        reply.completeExceptionally(new IllegalStateException("failed calls are done too"));
        assertThat(calls.count()).isZero();
        assertThat(calls.awaitIdleUntil(System.nanoTime())).isTrue();
    }

    @Test
    void aCallThatThrowsIsNotCounted() {
        assertThatThrownBy(() -> calls.track(() -> {
            throw new IllegalStateException("node is not started");
        })).hasMessage("node is not started");

        assertThat(calls.count()).isZero();
    }

    @Test
    void afterRefuseNewACallIsRefusedWithoutRunningWhileTheOnesInProgressAreWaitedFor() {
        CompletableFuture<String> inProgress = calls.track(CompletableFuture::new);
        AtomicBoolean ran = new AtomicBoolean();

        calls.refuseNew();

        assertThatThrownBy(() -> calls.track(() -> {
            ran.set(true);
            return new CompletableFuture<>();
        })).isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE))
                .hasMessage(OutgoingCalls.STOPPING);
        assertThat(ran).isFalse();
        new Thread(() -> inProgress.complete("done")).start();
        assertThat(calls.awaitIdleUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(30))).isTrue();
    }
}
