package io.pilot.spring.capability;

import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * A publisher's items, each mapped as it passes (a capability's elements encoded as JSON). A mapping that throws
 * cancels the source and fails the stream with what it threw; demand and cancellation pass straight through, so the
 * source is asked for exactly what the subscriber asks for.
 */
final class MappedItems<T, R> implements Flow.Publisher<R> {

    private final Flow.Publisher<? extends T> source;
    private final Function<? super T, ? extends R> mapping;

    MappedItems(Flow.Publisher<? extends T> source, Function<? super T, ? extends R> mapping) {
        this.source = source;
        this.mapping = mapping;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super R> subscriber) {
        source.subscribe(new Flow.Subscriber<T>() {
            private Flow.Subscription subscription;
            private boolean failed;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                subscriber.onSubscribe(s);
            }

            @Override
            public void onNext(T item) {
                if (failed) {
                    return;
                }
                R mapped;
                try {
                    mapped = mapping.apply(item);
                } catch (RuntimeException e) {
                    failed = true;
                    subscription.cancel();
                    subscriber.onError(e);
                    return;
                }
                subscriber.onNext(mapped);
            }

            @Override
            public void onError(Throwable failure) {
                if (!failed) {
                    subscriber.onError(failure);
                }
            }

            @Override
            public void onComplete() {
                if (!failed) {
                    subscriber.onComplete();
                }
            }
        });
    }
}
