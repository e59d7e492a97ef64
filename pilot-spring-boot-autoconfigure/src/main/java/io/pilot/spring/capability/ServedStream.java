package io.pilot.spring.capability;

import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The streamed reply of one capability call as the engine serves it: each JSON element one item; a failure answered
 * as every capability failure is ({@link CapabilityFailures}: a code and a problem document); and, once, whichever
 * way it ends (completed, failed, cancelled by the caller, or failed before it began), what the call's bookkeeping
 * (its observation, its capability's count of calls in progress) needs to hear. Single use: the engine subscribes
 * once.
 */
final class ServedStream implements Flow.Publisher<Message> {

    /** How a served stream ended. */
    interface Ending {
        /**
         * @param failure what it failed with, or null
         * @param answer the error reply sent for {@code failure}, or null
         * @param cancelled whether the caller cancelled it (or went away)
         * @param items the items handed to the engine
         */
        void ended(Throwable failure, PilotException answer, boolean cancelled, long items);
    }

    private final Flow.Publisher<byte[]> elements;
    private final Throwable failedBefore;
    private final Function<Throwable, PilotException> answers;
    private final Ending ending;
    private final AtomicBoolean ended = new AtomicBoolean();

    private ServedStream(Flow.Publisher<byte[]> elements, Throwable failedBefore, Function<Throwable, PilotException> answers,
            Ending ending) {
        this.elements = elements;
        this.failedBefore = failedBefore;
        this.answers = answers;
        this.ending = ending;
    }

    /** @param answers the error reply for a failure */
    static ServedStream of(Flow.Publisher<byte[]> elements, Function<Throwable, PilotException> answers, Ending ending) {
        return new ServedStream(elements, null, answers, ending);
    }

    /** A call that failed before it produced a stream (refused, its arguments did not fit, the method threw). */
    static ServedStream failed(Throwable failure, Function<Throwable, PilotException> answers, Ending ending) {
        return new ServedStream(null, failure, answers, ending);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Message> subscriber) {
        if (elements == null) {
            subscriber.onSubscribe(StreamItems.Nothing.INSTANCE);
            subscriber.onError(end(failedBefore, 0));
            return;
        }
        elements.subscribe(new Flow.Subscriber<byte[]>() {
            /** Written by the producer's signals (one at a time), read by a cancel from the engine's thread. */
            private volatile long items;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                        s.request(n);
                    }

                    @Override
                    public void cancel() {
                        // The engine cancels after the end too: only a cancel before it is the caller's.
                        if (ended.compareAndSet(false, true)) {
                            ending.ended(null, null, true, items);
                        }
                        s.cancel();
                    }
                });
            }

            @Override
            public void onNext(byte[] json) {
                items++;
                subscriber.onNext(CapabilityDispatcher.reply(json));
            }

            @Override
            public void onError(Throwable failure) {
                subscriber.onError(end(failure, items));
            }

            @Override
            public void onComplete() {
                if (ended.compareAndSet(false, true)) {
                    ending.ended(null, null, false, items);
                }
                subscriber.onComplete();
            }
        });
    }

    /** The error reply for {@code failure}; the stream's end told, unless it was already. */
    private PilotException end(Throwable failure, long items) {
        PilotException answer = answers.apply(failure);
        if (ended.compareAndSet(false, true)) {
            ending.ended(failure, answer, false, items);
        }
        return answer;
    }
}
