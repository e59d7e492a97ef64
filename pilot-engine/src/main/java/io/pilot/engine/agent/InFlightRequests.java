package io.pilot.engine.agent;

import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the requests an agent's handlers are working on, so that stopping can let them finish: the agent
 * deregisters first (no new work is routed to it), then waits here, bounded by its grace period.
 */
final class InFlightRequests {

    private final CallsInProgress requests = new CallsInProgress();

    /**
     * Wraps a handler so each request is counted from its arrival until its reply is ready, and each streamed request
     * until its stream ends (completes, fails or is cancelled); the handler's own {@code handleStream} is kept.
     */
    MessageHandler track(MessageHandler handler) {
        return new MessageHandler() {
            @Override
            public CompletionStage<Message> handle(IncomingMessage message) throws Exception {
                requests.tryBegin(); // never refused: a request that arrives is served, whenever it arrives
                try {
                    return handler.handle(message).whenComplete((reply, error) -> requests.done());
                } catch (Exception | Error e) {
                    requests.done();
                    throw e;
                }
            }

            @Override
            public Flow.Publisher<Message> handleStream(IncomingMessage message) throws Exception {
                requests.tryBegin();
                Flow.Publisher<Message> items;
                try {
                    items = handler.handleStream(message);
                } catch (Exception | Error e) {
                    requests.done();
                    throw e;
                }
                if (items == null) {
                    requests.done();
                    return null;
                }
                return subscriber -> items.subscribe(new CountedSubscriber(subscriber));
            }
        };
    }

    /** A streamed request's subscriber: counts it done, once, when the stream ends whichever way. */
    private final class CountedSubscriber implements Flow.Subscriber<Message> {

        private final Flow.Subscriber<? super Message> subscriber;
        private final AtomicBoolean ended = new AtomicBoolean();

        CountedSubscriber(Flow.Subscriber<? super Message> subscriber) {
            this.subscriber = subscriber;
        }

        private void end() {
            if (ended.compareAndSet(false, true)) {
                requests.done();
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    subscription.request(n);
                }

                @Override
                public void cancel() {
                    end();
                    subscription.cancel();
                }
            });
        }

        @Override
        public void onNext(Message item) {
            subscriber.onNext(item);
        }

        @Override
        public void onError(Throwable failure) {
            end();
            subscriber.onError(failure);
        }

        @Override
        public void onComplete() {
            end();
            subscriber.onComplete();
        }
    }

    int count() {
        return requests.count();
    }

    /** Waits until no request is in progress, or the grace period is over; true if idle. */
    boolean awaitIdle(Duration grace) {
        return awaitIdleUntil(System.nanoTime() + grace.toNanos());
    }

    /** Waits until no request is in progress, or {@link System#nanoTime()} reaches {@code deadlineNanos}; true if idle. */
    boolean awaitIdleUntil(long deadlineNanos) {
        return requests.awaitIdleUntil(deadlineNanos);
    }
}
