package io.pilot.engine.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A handler's view of whether its work is still wanted, on its own: the node's part is played by the test. */
class CancellationTests {

    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-callback"));

    @AfterEach
    void stop() {
        callbacks.shutdownNow();
    }

    @Test
    void actionsRunOnceOffTheCancellingThreadAndTheFirstReasonWins() throws Exception {
        Cancellation cancellation = Cancellation.withoutDeadline(callbacks);
        List<String> ran = new CopyOnWriteArrayList<>();
        cancellation.onCancel(() -> ran.add("first on " + Thread.currentThread().getName()));
        cancellation.onCancel(() -> {
            throw new IllegalStateException("a failing action");
        });
        cancellation.onCancel(() -> ran.add("third"));
        assertThat(cancellation.isCancelled()).isFalse();
        assertThat(cancellation.reason()).isNull();

        assertThat(cancellation.cancel(ErrorCode.DEADLINE_EXCEEDED)).isTrue();
        assertThat(cancellation.cancel(ErrorCode.CANCELLED)).isFalse();

        callbacks.submit(() -> { }).get(5, TimeUnit.SECONDS); // the actions were queued before this
        assertThat(ran).containsExactly("first on test-callback", "third");
        assertThat(cancellation.reason()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        cancellation.onCancel(() -> ran.add("late, at once on " + Thread.currentThread().getName()));
        assertThat(ran).last().isEqualTo("late, at once on " + Thread.currentThread().getName());
    }

    @Test
    void theTimeLeftBoundsTheTimeoutOfRequestsMadeWhileServing() {
        Cancellation soon = Cancellation.withDeadline(TimeUnit.SECONDS.toNanos(2), callbacks);
        assertThat(soon.remaining()).hasValueSatisfying(left -> assertThat(left).isPositive()
                .isLessThanOrEqualTo(Duration.ofSeconds(2)));
        assertThat(soon.within(Duration.ofMinutes(1))).isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(soon.within(Duration.ofMillis(5))).as("a shorter timeout stays").isEqualTo(Duration.ofMillis(5));

        Cancellation passed = Cancellation.withDeadline(-1, callbacks);
        assertThat(passed.remaining()).contains(Duration.ZERO);
        assertThat(passed.within(Duration.ofSeconds(1))).isEqualTo(Duration.ZERO);

        Cancellation unbounded = Cancellation.withoutDeadline(callbacks);
        assertThat(unbounded.remaining()).isEmpty();
        assertThat(unbounded.within(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void noneNeverFiresAndKeepsNoActions() {
        Cancellation none = Cancellation.none();
        List<String> ran = new CopyOnWriteArrayList<>();
        none.onCancel(() -> ran.add("never"));
        assertThat(none.cancel(ErrorCode.CANCELLED)).isFalse();
        assertThat(none.isCancelled()).isFalse();
        assertThat(none.remaining()).isEmpty();
        assertThat(ran).isEmpty();
    }
}
