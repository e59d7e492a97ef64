package io.pilot.engine.message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a handler whether the work of the request it serves is still wanted, and how long it has. The node cancels
 * it, once, with a reason: {@link ErrorCode#CANCELLED} when the caller reset the request's stream (it cancelled or
 * gave up) or the connection closed, {@link ErrorCode#DEADLINE_EXCEEDED} when the caller's deadline passed (the
 * node has then answered the caller with that code). A handler that propagates the deadline passes
 * {@link #within(Duration)} as the timeout of the requests it makes while serving.
 *
 * <p>Thread-safe. The node cancels on its event loop; actions registered with {@link #onCancel} run off it, on the
 * node's callback executor, since they are user code (interrupting a thread, disposing a subscription).
 */
public final class Cancellation {

    private static final Logger log = LoggerFactory.getLogger(Cancellation.class);

    /** Never cancelled, no deadline: for messages handed to a handler by something other than a node. */
    private static final Cancellation NONE = new Cancellation(false, 0, Runnable::run);

    private final boolean hasDeadline;
    /** When the deadline passes, in {@link System#nanoTime()} terms; meaningless without a deadline. */
    private final long deadlineNanos;
    private final Executor actionsExecutor;
    private volatile ErrorCode reason;
    /** Actions waiting for a cancellation; null once it happened (or while none is registered). */
    private List<Runnable> actions;

    private Cancellation(boolean hasDeadline, long deadlineNanos, Executor actionsExecutor) {
        this.hasDeadline = hasDeadline;
        this.deadlineNanos = deadlineNanos;
        this.actionsExecutor = Objects.requireNonNull(actionsExecutor, "actionsExecutor");
    }

    /** A cancellation the node can fire, passing its deadline {@code remainingNanos} from now. */
    static Cancellation withDeadline(long remainingNanos, Executor actionsExecutor) {
        return new Cancellation(true, System.nanoTime() + remainingNanos, actionsExecutor);
    }

    /** A cancellation the node can fire, without a deadline (the caller sent none). */
    static Cancellation withoutDeadline(Executor actionsExecutor) {
        return new Cancellation(false, 0, actionsExecutor);
    }

    /** A cancellation the node can fire, for a request carrying {@code deadlineMillis} or {@link DeadlineHeader#ABSENT}. */
    static Cancellation forDeadline(long deadlineMillis, Executor actionsExecutor) {
        return deadlineMillis == DeadlineHeader.ABSENT ? withoutDeadline(actionsExecutor)
                : withDeadline(TimeUnit.MILLISECONDS.toNanos(deadlineMillis), actionsExecutor);
    }

    /** One that never fires and has no deadline (a message built in-process, e.g. in a test). */
    public static Cancellation none() {
        return NONE;
    }

    public boolean isCancelled() {
        return reason != null;
    }

    /** {@link ErrorCode#CANCELLED} or {@link ErrorCode#DEADLINE_EXCEEDED} once cancelled; null until then. */
    public ErrorCode reason() {
        return reason;
    }

    /**
     * Runs {@code action} when the work is cancelled: at once, on this thread, if it already is; else on the node's
     * callback executor when it happens. Never runs it if the request completes first.
     */
    public void onCancel(Runnable action) {
        Objects.requireNonNull(action, "action");
        if (this == NONE) {
            return;
        }
        synchronized (this) {
            if (reason == null) {
                if (actions == null) {
                    actions = new ArrayList<>(2);
                }
                actions.add(action);
                return;
            }
        }
        action.run();
    }

    /** The time left until the caller's deadline (zero once it passed), or empty if the caller sent none. */
    public Optional<Duration> remaining() {
        return hasDeadline ? Optional.of(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())))
                : Optional.empty();
    }

    /**
     * The timeout for a request made while serving this one: {@code timeout}, or the time left until this request's
     * deadline if that is shorter. Across hops a deadline so shrinks, never grows.
     */
    public Duration within(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return remaining().filter(left -> left.compareTo(timeout) < 0).orElse(timeout);
    }

    /** Cancels with {@code why}; false (and nothing done) if it was cancelled before. On the event loop. */
    boolean cancel(ErrorCode why) {
        List<Runnable> waiting;
        synchronized (this) {
            if (reason != null || this == NONE) {
                return false;
            }
            reason = why;
            waiting = actions;
            actions = null;
        }
        if (waiting != null) {
            Runnable run = () -> waiting.forEach(Cancellation::runQuietly);
            try {
                actionsExecutor.execute(run);
            } catch (RejectedExecutionException closed) {
                // The node is closing and shut its callback pool: the handlers still hear, off the loop all the same.
                ForkJoinPool.commonPool().execute(run);
            }
        }
        return true;
    }

    /** One failing action must not keep the others from running. */
    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("a cancellation action failed", e);
        }
    }
}
