package io.pilot.engine.message;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A streamed reply (any {@link Flow.Publisher}) read by a blocking loop, for callers without Reactor:
 * <pre>{@code
 * try (BlockingItems<Message> items = new BlockingItems<>(node.requestStream(target, request), 16)) {
 *     while (items.hasNext()) {
 *         use(items.next());
 *     }
 * }
 * }</pre>
 * At most {@code capacity} items are asked for ahead of the reader, so a reader that stops reading stops the
 * producer after that many (with {@code requestStream}, the server's credit follows the same count). A failure of
 * the stream is thrown from {@link #hasNext()} once the items before it are read: the publisher's
 * {@link RuntimeException} as is (a {@link PilotException} with its code), anything else wrapped in a
 * {@link CompletionException}. {@link #close()} cancels the subscription; closing early is how a reader stops the
 * producer. Subscribes at construction. One reader thread; {@link #close()} may come from any thread.
 */
public final class BlockingItems<T> implements Iterator<T>, AutoCloseable {

    private static final Object COMPLETE = new Object();

    /** The stream's failure, as queued: an item might be a Throwable itself. */
    private record Failure(Throwable cause) {
    }

    private final int capacity;
    private final int refill;
    /** Items, then COMPLETE or a Failure: at most capacity + 2 entries (close adds a COMPLETE), as no more is requested. */
    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private Object next;
    private int takenSinceRequest;
    private volatile boolean closed;

    /** @param capacity items asked for ahead of the reader, at least 1 */
    public BlockingItems(Flow.Publisher<? extends T> publisher, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.refill = Math.max(1, capacity / 2);
        Objects.requireNonNull(publisher, "publisher").subscribe(new Flow.Subscriber<T>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                if (!subscription.compareAndSet(null, s)) {
                    s.cancel();
                    return;
                }
                s.request(BlockingItems.this.capacity);
            }

            @Override
            public void onNext(T item) {
                arrived.add(item);
            }

            @Override
            public void onError(Throwable failure) {
                arrived.add(new Failure(failure));
            }

            @Override
            public void onComplete() {
                arrived.add(COMPLETE);
            }
        });
    }

    /**
     * Waits for the next item or the end.
     *
     * @throws PilotException (or the publisher's other failure) when the stream failed
     * @throws CompletionException wrapping an {@link InterruptedException} if the thread is interrupted (the stream is
     *     then cancelled)
     */
    @Override
    public boolean hasNext() {
        if (next == null && !closed) {
            try {
                next = arrived.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new CompletionException(e);
            }
        }
        if (next == COMPLETE || closed) {
            return false;
        }
        if (next instanceof Failure failure) {
            closed = true;
            throw failure.cause() instanceof RuntimeException unchecked ? unchecked
                    : new CompletionException(failure.cause());
        }
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the stream has ended");
        }
        T item = (T) next;
        next = null;
        if (++takenSinceRequest >= refill) {
            Flow.Subscription s = subscription.get();
            if (s != null) {
                s.request(takenSinceRequest);
            }
            takenSinceRequest = 0;
        }
        return item;
    }

    /** Cancels the subscription; the reader, even one waiting in {@link #hasNext()}, then sees the end. */
    @Override
    public void close() {
        closed = true;
        arrived.add(COMPLETE);
        Flow.Subscription s = subscription.get();
        if (s != null) {
            s.cancel();
        }
    }
}
