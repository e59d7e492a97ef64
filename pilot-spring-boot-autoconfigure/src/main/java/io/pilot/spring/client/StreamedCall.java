package io.pilot.spring.client;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.message.Message;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A streamed capability call as a cold {@link Flow.Publisher} of decoded items: each subscription is one call,
 * observed from the subscription to the end, its target found ({@code open}: a named agent resolved, or a provider
 * chosen) and its engine stream opened only then. Demand passes through to the engine, whose credit window bounds what
 * is on its way, so a subscriber that asks for nothing gets nothing sent and one that cancels (or whose
 * {@code take(n)} is met) resets the stream, which cancels the producer. Items arrive in order; an empty item (a
 * capability that answered nothing, called as a stream) or a JSON {@code null} is no element and is skipped. Failures
 * arrive as the client's exceptions ({@code failures}); an item that does not decode cancels the call and fails it
 * with what {@code decode} threw.
 */
final class StreamedCall<O extends StreamedCall.Observed, T> implements Flow.Publisher<T> {

    /** The observation and bookkeeping of one streamed call. */
    interface Observed {

        /** {@code request} with the call's trace context in its headers. */
        Message traced(Message request);

        /** The agent the call went to, once known. */
        void answeredBy(String hostname, PilotAddress address);

        /** The call ended: failed ({@code failure}), cancelled by its subscriber, or completed. Called once. */
        void ended(Throwable failure, boolean cancelled);
    }

    private final Supplier<O> observe;
    private final Function<O, CompletableFuture<Flow.Publisher<Message>>> open;
    private final Function<byte[], T> decode;
    private final Function<Throwable, RuntimeException> failures;

    /**
     * @param observe starts one call's observation
     * @param open finds the call's target and asks it for the stream (the engine's publisher, not yet subscribed)
     * @param decode an item's JSON as an element, null for no element; throws the caller's exception if it does not fit
     * @param failures what a failure of the call (the engine's, or finding the target) is thrown as
     */
    StreamedCall(Supplier<O> observe, Function<O, CompletableFuture<Flow.Publisher<Message>>> open,
            Function<byte[], T> decode, Function<Throwable, RuntimeException> failures) {
        this.observe = observe;
        this.open = open;
        this.decode = decode;
        this.failures = failures;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        O observed = observe.get();
        Relay relay = new Relay(subscriber, observed);
        subscriber.onSubscribe(relay);
        CompletableFuture<Flow.Publisher<Message>> opened;
        try {
            opened = open.apply(observed);
        } catch (RuntimeException e) {
            relay.onError(e);
            return;
        }
        opened.whenComplete((items, error) -> {
            if (error != null) {
                relay.onError(error);
            } else {
                items.subscribe(relay);
            }
        });
    }

    /**
     * The subscriber's subscription, and the engine stream's subscriber: demand asked before the stream is open is kept
     * and passed on when it opens; a cancel before then keeps it from being asked at all.
     */
    private final class Relay implements Flow.Subscription, Flow.Subscriber<Message> {

        private final Flow.Subscriber<? super T> subscriber;
        private final Observed observed;
        private final AtomicBoolean ended = new AtomicBoolean();
        private Flow.Subscription upstream;
        private long pending;
        private boolean cancelled;

        Relay(Flow.Subscriber<? super T> subscriber, Observed observed) {
            this.subscriber = subscriber;
            this.observed = observed;
        }

        @Override
        public void request(long n) {
            Flow.Subscription up;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                up = upstream;
                if (up == null) {
                    pending = n <= 0 ? n : pending + n < 0 ? Long.MAX_VALUE : pending + n;
                    return;
                }
            }
            up.request(n); // the engine refuses n <= 0 itself (Reactive Streams §3.9)
        }

        @Override
        public void cancel() {
            Flow.Subscription up;
            synchronized (this) {
                cancelled = true;
                up = upstream;
            }
            if (up != null) {
                up.cancel();
            }
            if (ended.compareAndSet(false, true)) {
                observed.ended(null, true);
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            long asked = 0;
            boolean accepted;
            synchronized (this) {
                accepted = !cancelled && upstream == null;
                if (accepted) {
                    upstream = s;
                    asked = pending;
                    pending = 0;
                }
            }
            if (!accepted) {
                s.cancel();
            } else if (asked != 0) {
                s.request(asked);
            }
        }

        @Override
        public void onNext(Message item) {
            if (ended.get()) {
                return;
            }
            T element;
            try {
                element = item.body().length == 0 ? null : decode.apply(item.body());
            } catch (RuntimeException unreadable) {
                upstream.cancel();
                end(unreadable);
                return;
            }
            if (element == null) {
                upstream.request(1); // no element: the subscriber still waits for the one it asked for
                return;
            }
            subscriber.onNext(element);
        }

        @Override
        public void onError(Throwable failure) {
            end(failures.apply(failure));
        }

        @Override
        public void onComplete() {
            if (ended.compareAndSet(false, true)) {
                observed.ended(null, false);
                subscriber.onComplete();
            }
        }

        private void end(RuntimeException failure) {
            if (ended.compareAndSet(false, true)) {
                observed.ended(failure, false);
                subscriber.onError(failure);
            }
        }
    }
}
