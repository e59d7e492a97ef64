package io.pilot.spring.capability;

import io.pilot.engine.message.Cancellation;

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
 *
 * <p>Pulled for a request being served, it is pulled with that request as the {@link InboundRequest} (so the calls a
 * lazy stream makes keep within the request's deadline), and the request's cancellation (its deadline passed, the
 * caller cancelled or went away) cancels it at once, from whatever thread, interrupting the thread pulling it while it
 * still does ({@link InvocationThread}): a stream blocked computing an element need not wait for its next pull to
 * hear. The engine's own cancel comes after the pull in progress, on the same serial executor.
 */
final class StreamItems implements Flow.Publisher<Object> {

    private final Stream<?> stream;
    private final Cancellation request;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    /** A stream pulled for no request in particular. */
    StreamItems(Stream<?> stream) {
        this(stream, Cancellation.none());
    }

    /** A stream pulled for {@code request}, cancelled with it. */
    StreamItems(Stream<?> stream, Cancellation request) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.request = Objects.requireNonNull(request, "request");
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        if (subscribed.getAndSet(true)) {
            subscriber.onSubscribe(Nothing.INSTANCE);
            subscriber.onError(new IllegalStateException("a Stream can be read once; it already has its subscriber"));
            return;
        }
        Pull pull = new Pull(subscriber);
        subscriber.onSubscribe(pull);
        request.onCancel(pull::requestCancelled);
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
        /** The thread draining, while it does: interrupted if the request is cancelled meanwhile. */
        private volatile InvocationThread pulling;
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

        /** The request was cancelled: cancel, and wake a pull blocked inside the stream. */
        void requestCancelled() {
            cancel();
            InvocationThread puller = pulling;
            if (puller != null) {
                puller.interrupt();
            }
        }

        /** Adds to the demand, capped at Long.MAX_VALUE (unbounded); returns what it was. */
        private long add(long n) {
            return demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
        }

        private void drain(Throwable refusal) {
            try (InvocationThread running = InvocationThread.current();
                    InboundRequest.Scope serving = InboundRequest.serving(request)) {
                pulling = running;
                try {
                    drainInScope(refusal);
                } finally {
                    pulling = null;
                }
            }
        }

        private void drainInScope(Throwable refusal) {
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
