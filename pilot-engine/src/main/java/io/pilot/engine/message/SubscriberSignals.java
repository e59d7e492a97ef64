package io.pilot.engine.message;

import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

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
    private final Consumer<LongSupplier> onTaken;
    private final AtomicLong takenUnreported = new AtomicLong();
    /** Set once a terminal signal went out or the subscriber cancelled: nothing more is delivered. */
    private volatile boolean closed;

    /**
     * @param onTaken handed, off the loop, a count to read (once, where the count is used) of the items the subscriber
     *     has taken (returned from onNext) since the last one; not handed another until that one was read
     */
    SubscriberSignals(Flow.Subscriber<? super Message> subscriber, SerialExecutor serial,
            Consumer<LongSupplier> onTaken) {
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
            // One report in flight at a time, carrying every item taken until it runs: not a loop task per item.
            if (takenUnreported.getAndIncrement() == 0) {
                onTaken.accept(() -> takenUnreported.getAndSet(0));
            }
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
