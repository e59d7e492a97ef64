package io.pilot.engine.message;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time, in order, on a shared executor: what the Flow rules ask of calls to one
 * {@link java.util.concurrent.Flow.Subscription} (§2.7) and of signals to one subscriber (§1.3), without a thread
 * of their own. A task that throws does not stop the ones after it.
 */
final class SerialExecutor implements Executor {

    private final Executor executor;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    SerialExecutor(Executor executor) {
        this.executor = executor;
    }

    /** @throws java.util.concurrent.RejectedExecutionException if the executor refuses to start a run */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            try {
                executor.execute(this::drain);
            } catch (RuntimeException refused) {
                tasks.clear();
                pending.set(0);
                throw refused;
            }
        }
    }

    private void drain() {
        do {
            Runnable task = tasks.poll();
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                // The caller's task broke its own rule (a Flow callback must not throw); the next ones still run.
            }
        } while (pending.decrementAndGet() > 0);
    }
}
