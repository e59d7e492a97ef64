package io.pilot.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The future a node hands its callers, on its own: a "loop" thread delivers, callback threads and callers' threads
 * take it from there. Whatever dependents are added, and however, none runs on the delivering thread; a blocked
 * caller is woken by the delivery alone; every future completes exactly once, even when waiters come and go (parked or
 * spinning, see {@link SpinBeforeParkTests} for the spin itself) as the outcome arrives.
 */
class ReplyFutureTests {

    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop"));
    private final ExecutorService callbacks = Executors.newCachedThreadPool(r -> new Thread(r, "test-callback"));

    @AfterEach
    void stop() {
        loop.shutdownNow();
        callbacks.shutdownNow();
    }

    @Test
    void noDependentRunsOnTheDeliveringThreadWhicheverWayItWasAdded() throws Exception {
        ReplyFuture<String> before = new ReplyFuture<>(callbacks);
        List<CompletableFuture<String>> threads = new ArrayList<>();
        threads.add(before.thenApply(v -> threadName()));
        threads.add(before.handle((v, e) -> threadName()));
        threads.add(before.whenComplete((v, e) -> { }).thenApply(v -> threadName()));
        // Paths a subclass cannot intercept: allOf registers straight on the future, thenCompose relays its result.
        threads.add(CompletableFuture.allOf(before).thenApply(v -> threadName()));
        threads.add(new CompletableFuture<String>().completeAsync(() -> "x").thenCompose(x -> before)
                .thenApply(v -> threadName()));
        CompletableFuture<String> plain = new CompletableFuture<>();
        threads.add(plain.thenCombine(before, (a, b) -> threadName()));
        plain.complete("first");

        loop.submit(() -> before.deliver("answer")).get();

        for (CompletableFuture<String> thread : threads) {
            assertThat(thread.get(10, TimeUnit.SECONDS)).isNotEqualTo("test-loop");
        }
        assertThat(before.join()).isEqualTo("answer");
    }

    @Test
    void aBlockedCallerIsWokenByTheDeliveryAloneWithNoCallbackHop() throws Exception {
        // Callbacks that never run: if the caller needed one to wake, it would never wake.
        ConcurrentLinkedQueue<Runnable> neverRun = new ConcurrentLinkedQueue<>();
        ReplyFuture<String> result = new ReplyFuture<>(neverRun::add);
        AtomicReference<String> joined = new AtomicReference<>();
        AtomicReference<String> dependentThread = new AtomicReference<>();
        result.thenRun(() -> dependentThread.set(threadName()));
        Thread caller = new Thread(() -> joined.set(result.join()), "test-caller");
        caller.start();
        awaitParked(caller);

        loop.submit(() -> result.deliver("answer")).get();
        caller.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(caller.isAlive()).isFalse();
        assertThat(joined.get()).isEqualTo("answer");
        assertThat(neverRun).as("the loop saw a waiter, so it handed nothing to the callback executor").isEmpty();
        // The woken caller completed the future, so the dependent ran on its thread, not the loop's.
        assertThat(dependentThread.get()).isEqualTo("test-caller");
    }

    @Test
    void getWithATimeoutTimesOutAndTheFutureStillCompletesLater() throws Exception {
        ReplyFuture<String> result = new ReplyFuture<>(callbacks);
        assertThatThrownBy(() -> result.get(1, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        CompletableFuture<String> thread = result.thenApply(v -> threadName());

        loop.submit(() -> result.deliver("late")).get();

        assertThat(thread.get(10, TimeUnit.SECONDS)).isEqualTo("test-callback");
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("late");
    }

    @Test
    void anInterruptedWaiterLeavesAndTheOutcomeStillCompletesTheFuture() throws Exception {
        ReplyFuture<String> result = new ReplyFuture<>(callbacks);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                result.get();
            } catch (InterruptedException | ExecutionException e) {
                thrown.set(e);
            }
        }, "test-caller");
        caller.start();
        awaitParked(caller);
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);

        loop.submit(() -> result.deliver("answer")).get();

        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("answer");
    }

    @Test
    void cancellingWakesABlockedCallerAndALaterDeliveryChangesNothing() throws Exception {
        ReplyFuture<String> result = new ReplyFuture<>(callbacks);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                result.join();
            } catch (CancellationException e) {
                thrown.set(e);
            }
        }, "test-caller");
        caller.start();
        awaitParked(caller);

        assertThat(result.cancel(false)).isTrue();
        caller.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thrown.get()).isInstanceOf(CancellationException.class);

        loop.submit(() -> result.deliver("too late")).get();
        assertThat(result.isCancelled()).isTrue();
    }

    @Test
    void aFailureReachesWaitersAndDependentsAsTheCause() throws Exception {
        ReplyFuture<String> result = new ReplyFuture<>(callbacks);
        PilotException cause = new PilotException(ErrorCode.TIMEOUT, "no reply");
        CompletableFuture<Throwable> seen = result.handle((v, e) -> e);

        loop.submit(() -> result.deliverFailure(cause)).get();

        assertThatThrownBy(result::join).isInstanceOf(CompletionException.class).hasCause(cause);
        assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class).hasCause(cause);
        assertThat(seen.get(10, TimeUnit.SECONDS)).isSameAs(cause);
    }

    @Test
    void onlyTheFirstDeliveryCounts() throws Exception {
        ReplyFuture<String> result = new ReplyFuture<>(callbacks);
        AtomicInteger dependentRuns = new AtomicInteger();
        CompletableFuture<Void> counted = result.thenRun(dependentRuns::incrementAndGet);

        loop.submit(() -> {
            result.deliver("first");
            result.deliver("second");
            result.deliverFailure(new IllegalStateException("third"));
        }).get();

        counted.get(10, TimeUnit.SECONDS);
        assertThat(result.join()).isEqualTo("first");
        assertThat(dependentRuns).hasValue(1);
    }

    @Test
    void theEnginesContinuationRunsOnTheDeliveringThreadOnce() throws Exception {
        ReplyFuture<String> result = new ReplyFuture<>(callbacks);
        List<String> seen = new ArrayList<>();
        result.whenDelivered((v, e) -> seen.add(v + " on " + threadName()));
        assertThatThrownBy(() -> result.whenDelivered((v, e) -> { })).isInstanceOf(IllegalStateException.class);

        loop.submit(() -> result.deliver("answer")).get();

        assertThat(seen).containsExactly("answer on test-loop");
        assertThat(result).isCompletedWithValue("answer");
        // Added once the outcome is in: runs at once, on the thread that adds it.
        ReplyFuture<String> late = new ReplyFuture<>(callbacks);
        late.deliverFailure(new IllegalStateException("gone"));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        late.whenDelivered((v, e) -> failure.set(e));
        assertThat(failure.get()).hasMessage("gone");
    }

    @Test
    void waitersLeavingSpinningOrParkedAsTheOutcomeArrivesNeverLeaveTheFutureIncompleteOrCompleteItTwice()
            throws Exception {
        // The loop skips the callback executor when it sees a waiter, trusting that waiter to complete the future on
        // its way out. Waiters here give up at once, after 20 µs, or never (join), racing the deliveries; half the
        // futures park their waiters at once, half let them spin for up to 5 µs first, so that some see the outcome
        // while spinning, some after parking, and some leave before it. No one joins afterwards (a join would complete
        // the future itself and hide a lost completion), yet every future must complete, once, with its own value.
        int rounds = 12_000;
        SpinBeforePark spinning = new SpinBeforePark(Duration.of(5, ChronoUnit.MICROS), 1);
        ExecutorService waiters = Executors.newFixedThreadPool(2);
        try {
            AtomicInteger completions = new AtomicInteger();
            List<ReplyFuture<Integer>> results = new ArrayList<>();
            CountDownLatch left = new CountDownLatch(rounds);
            for (int i = 0; i < rounds; i++) {
                ReplyFuture<Integer> result = i / 3 % 2 == 0 ? new ReplyFuture<>(callbacks)
                        : new ReplyFuture<>(callbacks, spinning);
                result.thenRun(completions::incrementAndGet);
                results.add(result);
                long patience = switch (i % 3) {
                    case 0 -> 0;
                    case 1 -> 20_000;
                    default -> -1;
                };
                int value = i;
                waiters.execute(() -> {
                    try {
                        if (patience < 0) {
                            result.join();
                        } else {
                            result.get(patience, TimeUnit.NANOSECONDS);
                        }
                    } catch (TimeoutException | InterruptedException | ExecutionException e) {
                        // Gave up before the outcome arrived.
                    }
                    left.countDown();
                });
                loop.execute(() -> result.deliver(value));
            }
            assertThat(left.await(60, TimeUnit.SECONDS)).isTrue();
            loop.submit(() -> { }).get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (completions.get() < rounds && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(completions).hasValue(rounds);
            for (int i = 0; i < rounds; i++) {
                assertThat(results.get(i)).isCompletedWithValue(i);
            }
            assertThat(SpinBeforePark.spinningNow()).as("every spinner gave its place back").isZero();
        } finally {
            waiters.shutdownNow();
        }
    }

    private static String threadName() {
        return Thread.currentThread().getName();
    }

    /** Waits until {@code thread} is parked (blocked in join/get), so a delivery after it finds a waiter. */
    private static void awaitParked(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(thread.getState()).isEqualTo(Thread.State.WAITING);
    }

    @Test
    void aCallersCancelRunsTheEngineActionOnceWhicheverComesFirst() {
        AtomicInteger ran = new AtomicInteger();
        ReplyFuture<String> setFirst = new ReplyFuture<>(callbacks);
        setFirst.whenCancelled(ran::incrementAndGet);
        assertThat(ran).as("nothing before a cancel").hasValue(0);
        assertThat(setFirst.cancel(true)).isTrue();
        setFirst.cancel(true);
        assertThat(ran).as("once, however often cancelled").hasValue(1);

        ReplyFuture<String> cancelledFirst = new ReplyFuture<>(callbacks);
        cancelledFirst.cancel(false);
        cancelledFirst.whenCancelled(ran::incrementAndGet);
        assertThat(ran).as("set after the cancel: runs at once").hasValue(2);

        ReplyFuture<String> delivered = new ReplyFuture<>(callbacks);
        delivered.whenCancelled(ran::incrementAndGet);
        delivered.deliver("answer");
        assertThat(delivered.join()).isEqualTo("answer");
        assertThat(delivered.cancel(true)).isFalse();
        assertThat(ran).as("a completed future cannot be cancelled").hasValue(2);
        assertThatThrownBy(() -> delivered.whenCancelled(ran::incrementAndGet))
                .isInstanceOf(IllegalStateException.class);
    }
}
