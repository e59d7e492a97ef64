package io.pilot.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A caller blocked on a {@link ReplyFuture} that spins before it parks: a delivery during the spin reaches it with no
 * wake-up and completes the future once, on the caller's thread; a spin ends at the wait's timeout, at an interrupt
 * of an interruptible wait, or at its bound (then the caller parks and the delivery wakes it); the policy stops
 * spinning while replies are slow, resumes when they are fast again, and never lets more threads spin than allowed.
 * (Spinning and parked waiters racing deliveries, leaving no future incomplete: {@link ReplyFutureTests}.)
 */
@Isolated // sets a system property every node reads when it starts
class SpinBeforeParkTests {

    /** Long enough that a waiter is still spinning when the test acts, whatever the machine's load. */
    private static final Duration LONG_SPIN = Duration.ofSeconds(30);

    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop"));

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownNow();
        assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(SpinBeforePark.spinningNow()).as("every spinner gave its place back").isZero();
    }

    @Test
    void aDeliveryDuringTheSpinReachesTheCallerWithNoWakeUpAndCompletesTheFutureOnceOnItsThread() throws Exception {
        // Callbacks that never run: if the caller needed one, it would never return.
        ConcurrentLinkedQueue<Runnable> neverRun = new ConcurrentLinkedQueue<>();
        ReplyFuture<String> result = new ReplyFuture<>(neverRun::add, new SpinBeforePark(LONG_SPIN, 1));
        AtomicInteger dependentRuns = new AtomicInteger();
        AtomicReference<String> dependentThread = new AtomicReference<>();
        result.thenRun(() -> {
            dependentRuns.incrementAndGet();
            dependentThread.set(Thread.currentThread().getName());
        });
        AtomicReference<String> joined = new AtomicReference<>();
        AtomicBoolean everParked = new AtomicBoolean();
        Thread caller = new Thread(() -> joined.set(result.join()), "test-caller");
        caller.start();
        awaitSpinning(caller);

        loop.submit(() -> result.deliver("answer")).get();
        // Watch the caller until it leaves: a spinning caller never parks on the way out.
        while (caller.isAlive()) {
            if (caller.getState() == Thread.State.WAITING || caller.getState() == Thread.State.TIMED_WAITING) {
                everParked.set(true);
            }
            Thread.onSpinWait();
        }

        assertThat(joined.get()).isEqualTo("answer");
        assertThat(everParked).as("the caller saw the outcome while spinning").isFalse();
        assertThat(dependentRuns).hasValue(1);
        assertThat(dependentThread.get()).isEqualTo("test-caller");
        // The caller needed no callback (they never ran). One can still have been handed over when the caller saw the
        // outcome and left in the instant between the loop writing it and counting waiters: it finds the future done.
        neverRun.forEach(Runnable::run);
        assertThat(dependentRuns).as("a callback handed over completes nothing the caller had not").hasValue(1);
        assertThat(result.join()).isEqualTo("answer");
        assertThat(dependentRuns).as("joining again completes nothing twice").hasValue(1);
    }

    @Test
    void aCallerWhoseSpinEndedParksAndIsWokenByTheDelivery() throws Exception {
        ReplyFuture<String> result = new ReplyFuture<>(Runnable::run, new SpinBeforePark(Duration.ofMillis(1), 1));
        AtomicReference<String> joined = new AtomicReference<>();
        Thread caller = new Thread(() -> joined.set(result.join()), "test-caller");
        caller.start();
        awaitState(caller, Thread.State.WAITING);
        assertThat(SpinBeforePark.spinningNow()).isZero();

        loop.submit(() -> result.deliver("answer")).get();
        caller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(caller.isAlive()).isFalse();
        assertThat(joined.get()).isEqualTo("answer");
    }

    @Test
    void aTimedWaitEndsAtItsTimeoutEvenWhileItMaySpinLonger() throws Exception {
        ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-callback"));
        try {
            ReplyFuture<String> result = new ReplyFuture<>(callbacks, new SpinBeforePark(LONG_SPIN, 1));
            long start = System.nanoTime();
            assertThatThrownBy(() -> result.get(20, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(System.nanoTime() - start).as("it did not spin its whole bound")
                    .isLessThan(LONG_SPIN.toNanos() / 2);
            assertThat(SpinBeforePark.spinningNow()).isZero();

            loop.submit(() -> result.deliver("late")).get();

            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("late");
        } finally {
            callbacks.shutdownNow();
        }
    }

    @Test
    void anInterruptEndsTheSpinOfGetWithInterruptedException() throws Exception {
        ReplyFuture<String> result = new ReplyFuture<>(Runnable::run, new SpinBeforePark(LONG_SPIN, 1));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                result.get();
            } catch (InterruptedException | ExecutionException e) {
                thrown.set(e);
            }
        }, "test-caller");
        caller.start();
        awaitSpinning(caller);

        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(result).isNotDone();
        loop.submit(() -> result.deliver("answer")).get();
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("answer");
    }

    @Test
    void joinKeepsWaitingThroughAnInterruptAndKeepsTheInterruptStatus() throws Exception {
        ReplyFuture<String> result = new ReplyFuture<>(Runnable::run, new SpinBeforePark(LONG_SPIN, 1));
        AtomicReference<String> joined = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            joined.set(result.join());
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        }, "test-caller");
        caller.start();
        awaitSpinning(caller);

        caller.interrupt();
        Thread.sleep(20);
        assertThat(caller.isAlive()).as("join is not interruptible").isTrue();
        loop.submit(() -> result.deliver("answer")).get();
        caller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(joined.get()).isEqualTo("answer");
        assertThat(stillInterrupted).isTrue();
    }

    @Test
    void aCallersOwnCompletionEndsAnotherThreadsSpin() throws Exception {
        ReplyFuture<String> result = new ReplyFuture<>(Runnable::run, new SpinBeforePark(LONG_SPIN, 1));
        AtomicReference<String> joined = new AtomicReference<>();
        Thread caller = new Thread(() -> joined.set(result.join()), "test-caller");
        caller.start();
        awaitSpinning(caller);

        result.complete("by hand");
        caller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(caller.isAlive()).isFalse();
        assertThat(joined.get()).isEqualTo("by hand");
    }

    @Test
    void spinningStopsWhileRepliesAreSlowAndResumesOnceTheyAreFastAgain() {
        SpinBeforePark policy = new SpinBeforePark(Duration.ofMillis(1), 1);
        assertThat(policy.spinNanos()).as("hopeful at first").isEqualTo(Duration.ofMillis(1).toNanos());

        for (int i = 0; i < 10; i++) {
            policy.recordWait(Duration.ofMillis(5).toNanos());
        }
        assertThat(policy.spinNanos()).as("replies lately slower than the bound").isZero();
        assertThat(policy.beginSpin(-1)).isZero();

        for (int i = 0; i < 10; i++) {
            policy.recordWait(Duration.of(50, ChronoUnit.MICROS).toNanos());
        }
        assertThat(policy.spinNanos()).isEqualTo(Duration.ofMillis(1).toNanos());
    }

    @Test
    void noMoreThreadsSpinThanAllowedAndNoSpinOutlastsTheWaitersPatience() {
        SpinBeforePark policy = new SpinBeforePark(Duration.ofMillis(1), 1);
        long first = policy.beginSpin(-1);
        assertThat(first).isEqualTo(Duration.ofMillis(1).toNanos());
        assertThat(policy.beginSpin(-1)).as("the one place is taken").isZero();
        assertThat(new SpinBeforePark(Duration.ofMillis(1), 1).beginSpin(-1))
                .as("the bound holds across policies: it is the machine's cores").isZero();
        policy.endSpin();

        long shortPatience = policy.beginSpin(Duration.of(10, ChronoUnit.MICROS).toNanos());
        assertThat(shortPatience).isEqualTo(Duration.of(10, ChronoUnit.MICROS).toNanos());
        policy.endSpin();
        assertThat(policy.beginSpin(0)).as("a wait that may not wait does not spin").isZero();
        assertThat(SpinBeforePark.NEVER.beginSpin(-1)).isZero();
        assertThat(SpinBeforePark.spinningNow()).isZero();
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new SpinBeforePark(Duration.ofMillis(-1), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpinBeforePark(Duration.ofMillis(1), -1))
                .isInstanceOf(IllegalArgumentException.class);
        String before = System.getProperty(SpinBeforePark.SPIN_PROPERTY);
        try {
            System.setProperty(SpinBeforePark.SPIN_PROPERTY, "fast");
            assertThatThrownBy(SpinBeforePark::forThisMachine).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(SpinBeforePark.SPIN_PROPERTY);
            System.setProperty(SpinBeforePark.SPIN_PROPERTY, "-5");
            assertThatThrownBy(SpinBeforePark::forThisMachine).isInstanceOf(IllegalArgumentException.class);
            System.setProperty(SpinBeforePark.SPIN_PROPERTY, "0");
            assertThat(SpinBeforePark.forThisMachine().spinNanos()).as("0 turns spinning off").isZero();
        } finally {
            if (before == null) {
                System.clearProperty(SpinBeforePark.SPIN_PROPERTY);
            } else {
                System.setProperty(SpinBeforePark.SPIN_PROPERTY, before);
            }
        }
    }

    /** Waits until {@code caller} holds the one spinner's place and is running (spinning, not parked). */
    private static void awaitSpinning(Thread caller) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((SpinBeforePark.spinningNow() == 0 || caller.getState() != Thread.State.RUNNABLE)
                && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(SpinBeforePark.spinningNow()).isEqualTo(1);
        assertThat(caller.getState()).isEqualTo(Thread.State.RUNNABLE);
    }

    private static void awaitState(Thread thread, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != state && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(thread.getState()).isEqualTo(state);
    }
}
