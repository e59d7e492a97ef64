package io.pilot.spring.capability;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A {@link Stream} as a {@link Flow.Publisher}: pulled only as its subscriber asks, on the thread that asks (for a
 * streamed reply, the handler executor as the caller's credit arrives), so a stream that computes or blocks for each
 * element does that work only when it is wanted. The stream is closed when it ends, fails or is cancelled. Single use:
 * a second subscriber is refused.
 */
final class StreamItems implements Flow.Publisher<Object> {

    private final Stream<?> stream;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    StreamItems(Stream<?> stream) {
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        if (subscribed.getAndSet(true)) {
            subscriber.onSubscribe(Nothing.INSTANCE);
            subscriber.onError(new IllegalStateException("a Stream can be read once; it already has its subscriber"));
            return;
        }
        subscriber.onSubscribe(new Pull(subscriber));
    }

    /** A subscription asking for nothing, for a subscriber refused at once. */
    enum Nothing implements Flow.Subscription {
        INSTANCE;

        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
    }

    /**
     * One subscription. {@code demand} counts what was asked and not yet sent; whoever raises it from zero drains
     * (one thread at a time, the others only add to it), so a subscriber asking from inside {@code onNext} does not
     * recurse. A cancel raises it too, so the drainer sees the cancel and closes the stream itself, never while
     * another thread is inside it.
     */
    private final class Pull implements Flow.Subscription {

        private final Flow.Subscriber<? super Object> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private Iterator<?> items;
        private volatile boolean cancelled;
        private boolean done;

        Pull(Flow.Subscriber<? super Object> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancelled = true;
                if (add(1) == 0) {
                    drain(new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams §3.9)"));
                }
                return;
            }
            if (add(n) == 0) {
                drain(null);
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (add(1) == 0) {
                drain(null);
            }
        }

        /** Adds to the demand, capped at Long.MAX_VALUE (unbounded); returns what it was. */
        private long add(long n) {
            return demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
        }

        private void drain(Throwable refusal) {
            long wanted = demand.get();
            while (true) {
                long sent = 0;
                while (sent < wanted) {
                    if (done) {
                        return;
                    }
                    if (cancelled) {
                        close();
                        if (refusal != null) {
                            subscriber.onError(refusal);
                        }
                        return;
                    }
                    Object item;
                    try {
                        if (items == null) {
                            items = stream.iterator();
                        }
                        if (!items.hasNext()) {
                            close();
                            subscriber.onComplete();
                            return;
                        }
                        item = items.next();
                    } catch (Throwable failure) {
                        close();
                        subscriber.onError(failure);
                        return;
                    }
                    subscriber.onNext(item);
                    sent++;
                }
                wanted = wanted == Long.MAX_VALUE ? wanted : demand.addAndGet(-sent);
                if (wanted == 0) {
                    return;
                }
            }
        }

        private void close() {
            done = true;
            stream.close();
        }
    }
}
