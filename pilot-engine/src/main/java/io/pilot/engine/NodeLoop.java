package io.pilot.engine;

import io.netty.channel.EventLoop;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.message.ReplyFuture;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The node's event loop as callers' threads see it. Every piece of protocol state is confined to that loop, so
 * callers hand it tasks; before start and after close there is no loop to hand them to, and the caller's future
 * fails saying which.
 */
final class NodeLoop {

    private volatile EventLoop loop;
    private volatile boolean closed;

    /** The node started: tasks run on {@code loop} from now on. */
    void open(EventLoop loop) {
        this.loop = loop;
    }

    /** The node is closing: tasks are refused from now on. */
    void close() {
        closed = true;
    }

    boolean isStarted() {
        return loop != null;
    }

    boolean isClosed() {
        return closed;
    }

    /** The loop itself, for tasks that need no caller told when the node is not running. */
    EventLoop get() {
        requireStarted();
        return loop;
    }

    /** Runs {@code task} on the loop, or fails {@code result} with {@link ErrorCode#UNREACHABLE} if the node is not running. */
    void execute(ReplyFuture<?> result, Runnable task) {
        EventLoop current = loop;
        if (current == null || closed) {
            result.deliverFailure(new PilotException(ErrorCode.UNREACHABLE,
                    closed ? "node is closed" : "node is not started"));
            return;
        }
        try {
            current.execute(task);
        } catch (RejectedExecutionException e) {
            result.deliverFailure(new PilotException(ErrorCode.UNREACHABLE, "node is closed"));
        }
    }

    /** {@link #execute} for a task that serves several callers: all of them fail if the node is not running. */
    void executeAll(List<? extends ReplyFuture<?>> results, Runnable task) {
        EventLoop current = loop;
        if (current == null || closed) {
            String why = closed ? "node is closed" : "node is not started";
            results.forEach(result -> result.deliverFailure(new PilotException(ErrorCode.UNREACHABLE, why)));
            return;
        }
        try {
            current.execute(task);
        } catch (RejectedExecutionException e) {
            results.forEach(result -> result.deliverFailure(new PilotException(ErrorCode.UNREACHABLE, "node is closed")));
        }
    }

    /**
     * Runs {@code task} on the loop and returns its result, waiting up to 10 s.
     *
     * @throws IllegalStateException if the node is not started, the task failed or the loop did not answer
     */
    <T> T call(Callable<T> task) {
        EventLoop current = get();
        try {
            return current.inEventLoop() ? task.call() : current.submit(task).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("node did not answer: " + e, e);
        }
    }

    /** @throws IllegalStateException if the node was never started */
    void requireStarted() {
        if (loop == null) {
            throw new IllegalStateException("node is not started");
        }
    }
}
