package io.pilot.engine;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.pilot.engine.message.ReplyFuture;
import io.pilot.engine.message.SpinBeforePark;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads a node runs user code on, so that none of it runs on (or stalls) the network thread: message
 * handlers on the handler executor (the user's, or a pool of the node's own), session listeners and the
 * dependents of callers' futures nobody waits for on the callback executor (see {@link ReplyFuture}). Creates the
 * node's own pools and shuts them down; never a user's executor.
 */
final class NodeExecutors {

    private final Executor handlers;
    private final ExecutorService ownHandlers;
    private final ExecutorService callbacks;
    /** How callers blocked on this node's futures wait: adapted to this node's recent replies. */
    private final SpinBeforePark waiting = SpinBeforePark.forThisMachine();

    /** @param userHandlers where message handlers run, or null for a pool of the node's own */
    NodeExecutors(Executor userHandlers) {
        this.ownHandlers = userHandlers == null ? defaultHandlerPool() : null;
        this.handlers = userHandlers == null ? ownHandlers : userHandlers;
        this.callbacks = Executors.newCachedThreadPool(new DefaultThreadFactory("pilot-callback", true));
    }

    /** Where message handlers run. */
    Executor handlers() {
        return handlers;
    }

    /** Where listeners are called. */
    Executor callbacks() {
        return callbacks;
    }

    /** A future for a caller: delivered on the event loop, completed off it; a blocked caller may spin first. */
    <T> ReplyFuture<T> newFuture() {
        return new ReplyFuture<>(callbacks, waiting);
    }

    /** Stops the node's own pools: handlers at once (interrupting them), callbacks after the queued ones ran. */
    void shutdown() {
        if (ownHandlers != null) {
            ownHandlers.shutdownNow();
        }
        callbacks.shutdown();
    }

    /** Daemon threads, a few per core, and a bounded queue so a flood of requests cannot exhaust the heap. */
    private static ExecutorService defaultHandlerPool() {
        int threads = Math.max(8, Runtime.getRuntime().availableProcessors() * 4);
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(10_000), new DefaultThreadFactory("pilot-handler", true));
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
