package io.pilot.engine;

import io.pilot.engine.message.Message;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.function.LongFunction;

/**
 * A producer of a streamed reply for tests: emits {@code "item <n>"} from 0, only as its subscriber requests, and
 * counts what it was asked for, what it emitted, the most it was ever asked for ahead of its emissions, and whether it
 * was cancelled. After {@code count} items it ends with {@code ending} (null: onComplete). One subscriber.
 */
public final class CountingProducer implements Flow.Publisher<Message> {

    /** No end: items for as long as they are asked for. */
    public static final long ENDLESS = Long.MAX_VALUE;

    private final long count;
    private final LongFunction<Throwable> ending;
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private long requested;
    private long emitted;
    private long maxOutstanding;
    private boolean stopped;

    public CountingProducer(long count, LongFunction<Throwable> ending) {
        this.count = count;
        this.ending = ending;
    }

    public static CountingProducer endless() {
        return new CountingProducer(ENDLESS, null);
    }

    public static CountingProducer of(long count) {
        return new CountingProducer(count, null);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Message> subscriber) {
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                synchronized (CountingProducer.this) {
                    requested += n;
                    maxOutstanding = Math.max(maxOutstanding, requested - emitted);
                    while (!stopped && emitted < requested && emitted < count) {
                        subscriber.onNext(Message.of("item " + emitted));
                        emitted++;
                    }
                    if (!stopped && emitted == count) {
                        stopped = true;
                        Throwable failure = ending == null ? null : ending.apply(emitted);
                        if (failure == null) {
                            subscriber.onComplete();
                        } else {
                            subscriber.onError(failure);
                        }
                    }
                }
            }

            @Override
            public void cancel() {
                synchronized (CountingProducer.this) {
                    stopped = true;
                }
                cancelled.countDown();
            }
        });
        subscribed.countDown();
    }

    public synchronized long emitted() {
        return emitted;
    }

    /** The most items ever requested and not yet emitted. */
    public synchronized long maxOutstanding() {
        return maxOutstanding;
    }

    public CountDownLatch cancelled() {
        return cancelled;
    }

    public CountDownLatch subscribed() {
        return subscribed;
    }
}
