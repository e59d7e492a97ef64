package io.pilot.engine.message;

import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongConsumer;

/**
 * Hands a streamed reply to its {@link Flow.Subscriber} off the event loop: the loop passes each signal in, and
 * they reach the subscriber one at a time, in order, on the node's callback executor (Flow §1.3), so subscriber
 * code never runs on the network thread. Items are passed in only within the subscriber's demand (the caller's
 * credit never exceeds it), so nothing here counts demand; it counts the items the subscriber has taken and reports
 * them back, so that new credit follows the consumer's pace rather than the network's.
 */
final class SubscriberSignals {

    private final Flow.Subscriber<? super Message> subscriber;
    private final SerialExecutor serial;
    private final LongConsumer onTaken;
    /** Set once a terminal signal went out or the subscriber cancelled: nothing more is delivered. */
    private volatile boolean closed;

    /** @param onTaken told, off the loop, how many more items the subscriber has taken (returned from onNext) */
    SubscriberSignals(Flow.Subscriber<? super Message> subscriber, SerialExecutor serial, LongConsumer onTaken) {
        this.subscriber = subscriber;
        this.serial = serial;
        this.onTaken = onTaken;
    }

    void subscribed(Flow.Subscription subscription) {
        run(() -> {
            try {
                subscriber.onSubscribe(subscription);
            } catch (RuntimeException e) {
                // §2.13: a subscriber that throws is treated as cancelled.
                closed = true;
                subscription.cancel();
            }
        });
    }

    void item(Message item, Flow.Subscription subscription) {
        run(() -> {
            if (closed) {
                return;
            }
            try {
                subscriber.onNext(item);
            } catch (RuntimeException e) {
                closed = true;
                subscription.cancel();
                return;
            }
            // Reported item by item; the loop batches the CREDIT frames themselves (CreditWindow).
            onTaken.accept(1);
        });
    }

    void completed() {
        run(() -> {
            if (!closed) {
                closed = true;
                subscriber.onComplete();
            }
        });
    }

    void failed(Throwable failure) {
        run(() -> {
            if (!closed) {
                closed = true;
                subscriber.onError(failure);
            }
        });
    }

    /** The subscriber cancelled: signals still queued are dropped. */
    void cancelled() {
        closed = true;
    }

    private void run(Runnable signal) {
        try {
            serial.execute(signal);
        } catch (RejectedExecutionException nodeClosed) {
            // The node closed its callback pool: nobody is left to tell.
        }
    }
}
