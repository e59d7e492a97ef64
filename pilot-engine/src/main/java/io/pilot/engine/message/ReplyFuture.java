package io.pilot.engine.message;

import io.pilot.engine.session.EventLoopThreads;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The future a node hands its callers: the event loop delivers the outcome without ever running a caller's
 * code, and a thread blocked in {@link #join()} or {@link #get()} is woken straight from the loop.
 *
 * <p>Why not complete a plain {@link CompletableFuture} on the loop: completing runs every dependent stage on the
 * completing thread, and dependents come in by paths no subclass can intercept ({@code allOf}, {@code thenCompose}
 * relays), so user code would run on the network thread. Why not complete it on the callback executor, as the node
 * did: a blocked caller then waits for two thread hand-offs (loop, callback thread, caller) instead of one.
 *
 * <p>So delivery has two steps. {@link #deliver} (on the loop) records the outcome and wakes the threads waiting in
 * {@code join}/{@code get}, which park on a private signal that has no other dependents. The future itself then
 * completes off the loop: on a woken waiter's own thread as it returns (dependents run there, as with any future a
 * caller's thread completes), or, when nobody waits, on the callback executor. A waiter that leaves (woken, timed out,
 * interrupted) always completes the future if the outcome has arrived, which is what lets the loop skip the callback
 * executor whenever it saw a waiter: the outcome is written before the loop counts waiters, and a waiter reads it only
 * after it stops counting itself, so a waiter the loop counted cannot miss it.
 *
 * <p>A waiter first spins for a short while if its {@link SpinBeforePark} policy says replies have lately come that
 * fast, watching the outcome only; it parks on the signal after that. A delivery during the spin finds no signal and
 * wakes nobody, so the loop saves its wake-up call and the caller the scheduler's latency.
 *
 * <p>The engine's own compositions that run no user code (ping timing, anycast failover) take the outcome on the
 * delivering thread with {@link #whenDelivered}, without any hand-off.
 */
public final class ReplyFuture<T> extends CompletableFuture<T> {

    private static final VarHandle OUTCOME;
    private static final VarHandle WAITING;
    private static final VarHandle WAKE;
    private static final VarHandle HOOK;
    private static final VarHandle ON_CANCEL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            OUTCOME = lookup.findVarHandle(ReplyFuture.class, "outcome", Outcome.class);
            WAITING = lookup.findVarHandle(ReplyFuture.class, "waiting", int.class);
            WAKE = lookup.findVarHandle(ReplyFuture.class, "wake", CompletableFuture.class);
            HOOK = lookup.findVarHandle(ReplyFuture.class, "hook", BiConsumer.class);
            ON_CANCEL = lookup.findVarHandle(ReplyFuture.class, "onCancel", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Marks the hook slot once the outcome has been delivered. */
    private static final BiConsumer<Object, Throwable> DELIVERED = (value, failure) -> { };

    /** Marks the cancel slot once its action was taken to run (or the future was cancelled before one was set). */
    private static final Runnable CANCEL_TAKEN = () -> { };

    private final Executor callbacks;
    private final SpinBeforePark spin;
    /** What the network answered; set once, by the first delivery. */
    private volatile Outcome<T> outcome;
    /** Threads inside join/get right now; each completes this future on its way out if the outcome has arrived. */
    private volatile int waiting;
    /** What waiters park on: completed by the delivery, or when this future completes by any other way. */
    private volatile CompletableFuture<Void> wake;
    /** The engine's continuation, {@link #DELIVERED} once the outcome is in, null while neither. */
    private volatile BiConsumer<? super T, ? super Throwable> hook;
    /** What the engine does when a caller cancels (reset the request's stream), {@link #CANCEL_TAKEN} once taken. */
    private volatile Runnable onCancel;

    /** @param callbacks where this future completes when nobody is waiting for it: never the event loop */
    public ReplyFuture(Executor callbacks) {
        this(callbacks, SpinBeforePark.NEVER);
    }

    /**
     * @param callbacks where this future completes when nobody is waiting for it: never the event loop
     * @param spin whether and how long a waiter spins before it parks
     */
    public ReplyFuture(Executor callbacks, SpinBeforePark spin) {
        this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
        this.spin = Objects.requireNonNull(spin, "spin");
    }

    /** Delivers the answer, from any thread (normally the event loop); only the first delivery counts. */
    public void deliver(T value) {
        settle(new Outcome<>(value, null));
    }

    /** Delivers a failure, from any thread (normally the event loop); only the first delivery counts. */
    public void deliverFailure(Throwable cause) {
        settle(new Outcome<>(null, Objects.requireNonNull(cause, "cause")));
    }

    /**
     * Runs {@code continuation} on the delivering thread (normally the event loop) with the outcome, or at once on
     * this thread if it has arrived. For the engine's own compositions on a future it never hands to callers: the
     * continuation must be short, must not block, and must run no user code; and the future itself then completes
     * on the delivering thread too, since no caller can have added a dependent to it.
     *
     * @throws IllegalStateException if a continuation was already set
     */
    public void whenDelivered(BiConsumer<? super T, ? super Throwable> continuation) {
        Objects.requireNonNull(continuation, "continuation");
        if (HOOK.compareAndSet(this, null, continuation)) {
            return;
        }
        if (hook != DELIVERED) {
            throw new IllegalStateException("this future already has a continuation");
        }
        Outcome<T> arrived = outcome;
        continuation.accept(arrived.value, arrived.failure);
    }

    /**
     * Runs {@code action} once if a caller {@link #cancel cancels} this future: on the cancelling thread, or at once
     * on this thread if it already was. The engine's way to hear of it (it resets the request's stream); the action
     * must be short and must not block.
     *
     * @throws IllegalStateException if an action was already set
     */
    void whenCancelled(Runnable action) {
        Objects.requireNonNull(action, "action");
        if (ON_CANCEL.compareAndSet(this, null, action)) {
            if (isCancelled()) {
                runCancelAction(); // cancelled between the set and now: whoever takes the slot first runs it
            }
            return;
        }
        if (onCancel != CANCEL_TAKEN) {
            throw new IllegalStateException("this future already has a cancel action");
        }
        action.run(); // cancelled before any action was set
    }

    /** Cancels as any future does, and lets the engine know (see {@link #whenCancelled}). */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            runCancelAction();
        }
        return cancelled;
    }

    private void runCancelAction() {
        Runnable action = (Runnable) ON_CANCEL.getAndSet(this, CANCEL_TAKEN);
        if (action != null && action != CANCEL_TAKEN) {
            action.run();
        }
    }

    private void settle(Outcome<T> arrived) {
        if (!OUTCOME.compareAndSet(this, null, arrived)) {
            return;
        }
        @SuppressWarnings("unchecked")
        BiConsumer<? super T, ? super Throwable> continuation = (BiConsumer<? super T, ? super Throwable>) HOOK
                .getAndSet(this, DELIVERED);
        if (continuation != null) {
            try {
                continuation.accept(arrived.value, arrived.failure);
            } finally {
                finish(arrived);
            }
            return;
        }
        // Read after the outcome was written: see the class comment for why a waiter counted here cannot miss it.
        boolean someoneWaits = waiting > 0;
        CompletableFuture<Void> signal = wake;
        if (signal != null) {
            signal.complete(null);
        }
        // A waiter that saw the outcome and left before the loop counted it has completed the future already (or is
        // about to): no hand-off for it. Only a future nobody completed goes to the callback executor.
        if (!someoneWaits && !isDone()) {
            Runnable completion = () -> finish(arrived);
            try {
                callbacks.execute(completion);
            } catch (RejectedExecutionException closed) {
                // The node closed and shut its callback pool down: its callers still hear, off the loop all the same.
                ForkJoinPool.commonPool().execute(completion);
            }
        }
    }

    private void finish(Outcome<T> arrived) {
        if (arrived.failure != null) {
            completeExceptionally(arrived.failure);
        } else {
            complete(arrived.value);
        }
    }

    @Override
    public T join() {
        if (!isDone()) {
            try {
                await(false, -1);
            } catch (InterruptedException | TimeoutException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        if (!isDone()) {
            try {
                await(true, -1);
            } catch (TimeoutException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!isDone()) {
            try {
                await(true, unit.toNanos(timeout));
            } catch (TimeoutException e) {
                if (!isDone()) {
                    throw e;
                }
            }
        }
        return super.get(0, TimeUnit.NANOSECONDS);
    }

    /** Waits for the outcome (forever when {@code nanos} is negative), and completes this future if it arrived. */
    private void await(boolean interruptible, long nanos) throws InterruptedException, TimeoutException {
        WAITING.getAndAdd(this, 1);
        long start = System.nanoTime();
        try {
            if (outcome == null && !isDone()) {
                EventLoopThreads.refuseBlockingWait("waiting for a reply");
                long left = spinUntilSettled(interruptible, nanos);
                if (outcome == null && !isDone()) {
                    park(interruptible, left);
                }
            }
        } finally {
            WAITING.getAndAdd(this, -1);
            spin.recordWait(System.nanoTime() - start);
            Outcome<T> arrived = outcome;
            if (arrived != null) {
                finish(arrived);
            }
        }
    }

    /**
     * Spins while the policy allows, or until the outcome arrives, this future completes otherwise or (for an
     * interruptible wait) the thread is interrupted. A delivery meanwhile finds no wake signal, so the loop wakes
     * nobody: the outcome is all this waiter reads. Returns what is left of {@code nanos} (negative: no limit).
     */
    private long spinUntilSettled(boolean interruptible, long nanos) {
        long spinNanos = spin.beginSpin(nanos);
        if (spinNanos == 0) {
            return nanos;
        }
        long start = System.nanoTime();
        long spun;
        try {
            do {
                Thread.onSpinWait();
                spun = System.nanoTime() - start;
            } while (outcome == null && !isDone() && spun < spinNanos
                    && !(interruptible && Thread.currentThread().isInterrupted()));
        } finally {
            spin.endSpin();
        }
        return nanos < 0 ? nanos : Math.max(0, nanos - spun);
    }

    /** Parks until the delivery (or any other completion) signals, for up to {@code nanos} (negative: no limit). */
    private void park(boolean interruptible, long nanos) throws InterruptedException, TimeoutException {
        CompletableFuture<Void> signal = wakeSignal();
        // Again after publishing the signal: a delivery that read no signal wrote the outcome before.
        if (outcome != null) {
            return;
        }
        try {
            if (nanos >= 0) {
                signal.get(nanos, TimeUnit.NANOSECONDS);
            } else if (interruptible) {
                signal.get();
            } else {
                signal.join();
            }
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible); // the signal only ever completes normally
        }
    }

    private CompletableFuture<Void> wakeSignal() {
        CompletableFuture<Void> signal = wake;
        if (signal != null) {
            return signal;
        }
        CompletableFuture<Void> created = new CompletableFuture<>();
        if (!WAKE.compareAndSet(this, null, created)) {
            return wake;
        }
        // A caller's own complete or cancel, or a timeout set with orTimeout, wakes the waiters too.
        whenComplete((value, failure) -> created.complete(null));
        return created;
    }

    private record Outcome<T>(T value, Throwable failure) {
    }
}
