package io.pilot.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.CountingProducer;
import io.pilot.engine.Waits;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class BlockingItemsTests {

    @Test
    void readsEveryItemThenTheEndAskingNoMoreThanItsCapacityAhead() {
        CountingProducer producer = CountingProducer.of(100);
        List<String> items = new ArrayList<>();
        try (BlockingItems<Message> stream = new BlockingItems<>(producer, 8)) {
            assertThat(producer.emitted()).as("asked for its capacity before any read").isEqualTo(8);
            stream.forEachRemaining(item -> items.add(item.bodyAsString()));
            assertThat(stream.hasNext()).isFalse();
            assertThatThrownBy(stream::next).isInstanceOf(NoSuchElementException.class);
        }
        assertThat(items).hasSize(100).startsWith("item 0", "item 1").endsWith("item 99");
        assertThat(producer.maxOutstanding()).isLessThanOrEqualTo(8);
    }

    @Test
    void aFailureIsThrownAfterTheItemsBeforeIt() {
        CountingProducer failing = new CountingProducer(2, n -> new PilotException(ErrorCode.UNAVAILABLE, "down"));
        try (BlockingItems<Message> stream = new BlockingItems<>(failing, 4)) {
            assertThat(stream.next().bodyAsString()).isEqualTo("item 0");
            assertThat(stream.next().bodyAsString()).isEqualTo("item 1");
            assertThatThrownBy(stream::hasNext).isInstanceOfSatisfying(PilotException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
            assertThat(stream.hasNext()).as("after the failure").isFalse();
        }
        CountingProducer checked = new CountingProducer(0, n -> new Exception("checked"));
        try (BlockingItems<Message> stream = new BlockingItems<>(checked, 4)) {
            assertThatThrownBy(stream::hasNext).isInstanceOf(CompletionException.class).hasRootCauseMessage("checked");
        }
    }

    @Test
    void closingCancelsAndWakesAWaitingReader() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        Flow.Publisher<Message> silent = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
                cancelled.countDown();
            }
        });
        BlockingItems<Message> stream = new BlockingItems<>(silent, 2);
        AtomicReference<Boolean> sawMore = new AtomicReference<>();
        Thread reader = new Thread(() -> sawMore.set(stream.hasNext()));
        reader.start();
        Waits.awaitParked(reader);
        stream.close();
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(sawMore.get()).as("the waiting reader saw the end").isFalse();
        assertThat(cancelled.getCount()).isZero();
    }
}
