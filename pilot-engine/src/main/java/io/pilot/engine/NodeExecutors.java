package io.pilot.engine;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads a node runs user code on, so that none of it runs on (or stalls) the network thread: message
 * handlers on the handler executor (the user's, or a pool of the node's own), and callers' futures and session
 * listeners on the callback executor. Creates the node's own pools and shuts them down; never a user's executor.
 */
final class NodeExecutors {

    private final Executor handlers;
    private final ExecutorService ownHandlers;
    private final ExecutorService callbacks;

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

    /** Where futures complete and listeners are called. */
    Executor callbacks() {
        return callbacks;
    }

    /** Completes {@code result} with {@code value} on the callback executor. */
    <T> void complete(CompletableFuture<T> result, T value) {
        callbacks.execute(() -> result.complete(value));
    }

    /**
     * Fails {@code result} on the callback executor, or right here once that executor has shut down: a caller
     * must hear of the failure even while the node closes.
     */
    void fail(CompletableFuture<?> result, Throwable cause) {
        try {
            callbacks.execute(() -> result.completeExceptionally(cause));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(cause);
        }
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
