package io.pilot.engine.session;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.concurrent.Future;

/**
 * Makes the threads of Pilot's event loops, which run the session engines, and tells them apart from every other
 * thread: a blocking wait on one stalls every session it runs, the one whose answer it waits for included, so the
 * answer can never come, nor the request's timeout, which runs on the same loop: the wait never ends. Pilot's own
 * blocking calls check {@link #refuseBlockingWait} first and fail at once instead; a wait Pilot does not make (a
 * {@code join} on a future its asynchronous calls returned, {@code Mono.block()}) it cannot catch.
 */
public final class EventLoopThreads extends DefaultThreadFactory {

    /** Daemon threads named {@code prefix-N-M}. */
    public EventLoopThreads(String prefix) {
        super(prefix, true);
    }

    @Override
    protected Thread newThread(Runnable task, String name) {
        return new LoopThread(threadGroup, task, name);
    }

    /** Whether the calling thread is one of Pilot's event loop threads. */
    public static boolean isCurrent() {
        return Thread.currentThread() instanceof LoopThread;
    }

    /**
     * @param what what was about to wait, for the message
     * @throws IllegalStateException if the calling thread is one of Pilot's event loop threads
     */
    public static void refuseBlockingWait(String what) {
        if (isCurrent()) {
            throw new IllegalStateException(what + " on the event loop thread " + Thread.currentThread().getName()
                    + " would stall every session it runs, that reply's and its timeout's included; a handler that "
                    + "runs on the event loop must not wait: call asynchronously and compose the future, or run the "
                    + "handler on the handler executor");
        }
    }

    /**
     * As {@link #refuseBlockingWait(String)}, for a wait on {@code pending}: one that is done already does not block.
     */
    public static void refuseBlockingWait(String what, Future<?> pending) {
        if (!pending.isDone()) {
            refuseBlockingWait(what);
        }
    }

    private static final class LoopThread extends FastThreadLocalThread {
        LoopThread(ThreadGroup group, Runnable task, String name) {
            super(group, task, name);
        }
    }
}
