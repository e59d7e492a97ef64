package io.pilot.engine.message;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A plain handler's reply as a stream of one item (an empty reply counts as one empty item), then the end; or its
 * failure. Single use: the serving side subscribes once.
 */
final class OneItemPublisher implements Flow.Publisher<Message> {

    private final CompletionStage<Message> reply;

    OneItemPublisher(CompletionStage<Message> reply) {
        this.reply = reply;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Message> subscriber) {
        AtomicBoolean requested = new AtomicBoolean();
        AtomicBoolean cancelled = new AtomicBoolean();
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                if (n > 0 && !requested.getAndSet(true)) {
                    reply.whenComplete((item, failure) -> {
                        if (cancelled.get()) {
                            return;
                        }
                        if (failure != null) {
                            subscriber.onError(failure);
                        } else {
                            subscriber.onNext(item == null ? Message.empty() : item);
                            subscriber.onComplete();
                        }
                    });
                }
            }

            @Override
            public void cancel() {
                cancelled.set(true);
            }
        });
    }
}
