package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class RecordsReplyTests {

    /** Entries written as their own bytes, so that any sizes can be tried. */
    private static final RecordsReply.Entries<byte[]> RAW = new RecordsReply.Entries<>() {
        @Override
        public int size(byte[] entry) {
            return entry.length;
        }

        @Override
        public void write(ByteBuffer out, byte[] entry) {
            out.put(entry);
        }
    };

    private static final byte[] HEAD = {0, 7, 7, 7};

    @Test
    void pagesPutEndToEndAreTheWholeReplyAndNoneIsLargerThanAsked() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            List<byte[]> entries = new ArrayList<>();
            for (int i = random.nextInt(60); i > 0; i--) {
                byte[] entry = new byte[1 + random.nextInt(300)];
                random.nextBytes(entry);
                entries.add(entry);
            }
            int pageBytes = 310 + random.nextInt(2_000);
            AtomicInteger withdrawn = new AtomicInteger();
            RecordsReply<byte[]> reply = new RecordsReply<>(HEAD, entries, RAW, withdrawn::incrementAndGet);
            Reader reader = new Reader(1 + random.nextInt(3));
            AtomicInteger ended = new AtomicInteger();
            reply.pages(pageBytes, r -> ended.incrementAndGet()).subscribe(reader);

            assertThat(reader.completed).isTrue();
            assertThat(reader.bytes.toByteArray()).isEqualTo(reply.toBytes());
            assertThat(reader.pages).allSatisfy(size -> assertThat(size).isBetween(1, pageBytes));
            assertThat(reply.fitsOnePage(pageBytes)).isEqualTo(reader.pages.size() == 1);
            assertThat(ended).hasValue(1);
            assertThat(withdrawn).as("read whole: what answering did stands").hasValue(0);
        }
    }

    @Test
    void theWholeReplyIsTheHeadTheCountAndTheEntries() {
        byte[] whole = new RecordsReply<>(HEAD, List.of(new byte[] {1, 2}, new byte[] {3}), RAW, () -> { }).toBytes();
        assertThat(whole).containsExactly(0, 7, 7, 7, 0, 0, 0, 2, 1, 2, 3);
        assertThat(new RecordsReply<>(HEAD, List.<byte[]>of(), RAW, () -> { }).toBytes()).containsExactly(0, 7, 7, 7, 0, 0, 0, 0);
    }

    @Test
    void aCallerThatCancelsEndsItOnceAndGetsNothingMore() {
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            entries.add(new byte[100]);
        }
        AtomicInteger ended = new AtomicInteger();
        AtomicInteger withdrawn = new AtomicInteger();
        Reader reader = new Reader(0);
        new RecordsReply<>(HEAD, entries, RAW, withdrawn::incrementAndGet).pages(200, r -> ended.incrementAndGet())
                .subscribe(reader);
        reader.subscription.request(1);
        reader.subscription.cancel();
        reader.subscription.cancel();
        reader.subscription.request(5);
        assertThat(reader.pages).hasSize(1);
        assertThat(reader.completed).isFalse();
        assertThat(ended).hasValue(1);
        assertThat(withdrawn).as("a watch whose snapshot its caller never read whole").hasValue(1);
    }

    @Test
    void aReplyWhoseCallerGrantedNoCreditSinceTheCutoffIsEndedOnceWithATimeout() {
        AtomicInteger ended = new AtomicInteger();
        AtomicInteger withdrawn = new AtomicInteger();
        Reader reader = new Reader(0);
        RecordsReply<byte[]>.Paged pages = new RecordsReply<>(HEAD, List.of(new byte[100], new byte[100]), RAW,
                withdrawn::incrementAndGet).pages(120, r -> ended.incrementAndGet());
        pages.subscribe(reader);
        reader.subscription.request(1);

        assertThat(pages.endIfStalledSince(System.nanoTime() - 3_600_000_000_000L)).as("credit came since").isFalse();
        assertThat(ended).hasValue(0);
        assertThat(pages.endIfStalledSince(System.nanoTime() + 1)).isTrue();
        assertThat(pages.endIfStalledSince(System.nanoTime() + 1)).as("once").isFalse();

        assertThat(reader.failure).isInstanceOfSatisfying(PilotException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
        assertThat(ended).hasValue(1);
        assertThat(withdrawn).hasValue(1);
        reader.subscription.request(1);
        assertThat(reader.pages).hasSize(1);
    }

    @Test
    void creditGrantedAfterTheCutoffKeepsTheReplyGoing() {
        AtomicInteger ended = new AtomicInteger();
        Reader reader = new Reader(0);
        RecordsReply<byte[]>.Paged pages = new RecordsReply<>(HEAD, List.of(new byte[100], new byte[100], new byte[100]),
                RAW, () -> { }).pages(120, r -> ended.incrementAndGet());
        pages.subscribe(reader);
        long cutoff = System.nanoTime();
        while (System.nanoTime() == cutoff) {
            Thread.onSpinWait(); // credit strictly after the cutoff
        }
        reader.subscription.request(1);

        assertThat(pages.endIfStalledSince(cutoff)).isFalse();
        assertThat(ended).hasValue(0);
        reader.subscription.request(5);
        assertThat(reader.completed).isTrue();
        assertThat(reader.failure).isNull();
    }

    @Test
    void aReplyEndedBeforeItsSubscriberCameFailsItAndOnlyOneSubscriberIsServed() {
        RecordsReply<byte[]>.Paged pages = new RecordsReply<>(HEAD, List.of(new byte[100], new byte[100]), RAW, () -> { })
                .pages(120, r -> { });
        assertThat(pages.endIfStalledSince(System.nanoTime() + 1)).isTrue();
        Reader late = new Reader(1);
        pages.subscribe(late);
        assertThat(late.failure).isInstanceOf(PilotException.class);
        assertThat(late.pages).isEmpty();

        RecordsReply<byte[]>.Paged fresh = new RecordsReply<>(HEAD, List.of(new byte[100], new byte[100]), RAW, () -> { })
                .pages(120, r -> { });
        Reader first = new Reader(0);
        Reader second = new Reader(1);
        fresh.subscribe(first);
        fresh.subscribe(second);
        assertThat(second.failure).isInstanceOf(IllegalStateException.class);
        assertThat(second.pages).isEmpty();
        first.subscription.request(5);
        assertThat(first.completed).isTrue();
    }

    @Test
    void aRequestForNoneIsAnErrorThatEndsIt() {
        AtomicInteger ended = new AtomicInteger();
        Reader reader = new Reader(0);
        new RecordsReply<>(HEAD, List.of(new byte[10]), RAW, () -> { }).pages(200, r -> ended.incrementAndGet()).subscribe(reader);
        reader.subscription.request(0);
        assertThat(reader.failure).isInstanceOf(IllegalArgumentException.class);
        reader.subscription.request(1);
        assertThat(reader.pages).isEmpty();
        assertThat(ended).hasValue(1);
    }

    /** Asks for {@code step} pages at a time, each time it has read what it asked for. */
    private static final class Reader implements Flow.Subscriber<Message> {
        private final int step;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> pages = new ArrayList<>();
        Flow.Subscription subscription;
        boolean completed;
        Throwable failure;
        private int unread;

        Reader(int step) {
            this.step = step;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (step > 0) {
                unread = step;
                subscription.request(step);
            }
        }

        @Override
        public void onNext(Message page) {
            bytes.writeBytes(page.body());
            pages.add(page.body().length);
            if (step > 0 && --unread == 0) {
                unread = step;
                subscription.request(step); // from within onNext: the publisher must not recurse without bound
            }
        }

        @Override
        public void onError(Throwable throwable) {
            failure = throwable;
        }

        @Override
        public void onComplete() {
            completed = true;
        }
    }
}
