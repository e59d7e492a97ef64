package io.pilot.spring.capability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** {@link StreamItems} alone: a Stream pulled only as asked, closed whichever way it ends. */
class StreamItemsTests {

    /** Records signals; asks for nothing by itself. */
    static class Recorder implements Flow.Subscriber<Object> {
        final List<Object> items = new ArrayList<>();
        Flow.Subscription subscription;
        Throwable failure;
        boolean completed;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(Object item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
        }

        @Override
        public void onComplete() {
            completed = true;
        }
    }

    @Test
    void pullsOnlyWhatIsAskedAndClosesAtTheEnd() {
        AtomicInteger pulled = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        Recorder recorder = new Recorder();
        new StreamItems(Stream.of(1, 2, 3).peek(i -> pulled.incrementAndGet()).onClose(() -> closed.set(true))).subscribe(recorder);

        assertThat(pulled).hasValue(0);
        recorder.subscription.request(2);
        assertThat(recorder.items).containsExactly(1, 2);
        assertThat(pulled).hasValue(2);
        assertThat(closed).isFalse();

        recorder.subscription.request(5);
        assertThat(recorder.items).containsExactly(1, 2, 3);
        assertThat(recorder.completed).isTrue();
        assertThat(closed).isTrue();
    }

    @Test
    void aCancelClosesTheStreamAndStopsPulling() {
        AtomicInteger pulled = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        Recorder recorder = new Recorder();
        new StreamItems(Stream.generate(pulled::incrementAndGet).onClose(() -> closed.set(true))).subscribe(recorder);
        recorder.subscription.request(3);

        recorder.subscription.cancel();
        recorder.subscription.request(3);

        assertThat(recorder.items).containsExactly(1, 2, 3);
        assertThat(pulled).hasValue(3);
        assertThat(closed).isTrue();
        assertThat(recorder.completed).isFalse();
        assertThat(recorder.failure).isNull();
    }

    @Test
    void aFailingStreamFailsTheSubscriberAfterItsItemsAndIsClosed() {
        AtomicBoolean closed = new AtomicBoolean();
        Recorder recorder = new Recorder();
        new StreamItems(Stream.iterate(1, i -> {
            if (i == 2) {
                throw new IllegalStateException("broken");
            }
            return i + 1;
        }).onClose(() -> closed.set(true))).subscribe(recorder);

        recorder.subscription.request(Long.MAX_VALUE);

        assertThat(recorder.items).containsExactly(1, 2);
        assertThat(recorder.failure).hasMessage("broken");
        assertThat(closed).isTrue();
    }

    @Test
    void askingFromInsideOnNextDoesNotRecurse() {
        List<Integer> depths = new ArrayList<>();
        AtomicInteger depth = new AtomicInteger();
        Recorder recorder = new Recorder() {
            @Override
            public void onNext(Object item) {
                super.onNext(item);
                depths.add(depth.incrementAndGet());
                subscription.request(1);
                depth.decrementAndGet();
            }
        };
        new StreamItems(Stream.of(1, 2, 3, 4, 5)).subscribe(recorder);

        recorder.subscription.request(1);

        assertThat(recorder.items).containsExactly(1, 2, 3, 4, 5);
        assertThat(depths).containsOnly(1);
        assertThat(recorder.completed).isTrue();
    }

    @Test
    void nonPositiveDemandFailsAndClosesAndASecondSubscriberIsRefused() {
        AtomicBoolean closed = new AtomicBoolean();
        StreamItems items = new StreamItems(Stream.of(1).onClose(() -> closed.set(true)));
        Recorder first = new Recorder();
        items.subscribe(first);
        Recorder second = new Recorder();
        items.subscribe(second);

        first.subscription.request(0);

        assertThat(first.failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("§3.9");
        assertThat(closed).isTrue();
        assertThat(second.failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("read once");
    }
}
