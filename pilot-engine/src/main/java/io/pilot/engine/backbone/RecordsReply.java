package io.pilot.engine.backbone;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * An ok reply that ends in a list (LOOKUP's and WATCH's {@code records}, WATCH_FROM's snapshot or replayed changes):
 * its fixed fields, then {@code count u32} and the entries, each written from the bytes the registry holds. Written
 * whole as one message ({@link #toBytes}), or cut into pages between entries ({@link #pages}) for a caller that asked
 * for a streamed reply: the pages' bodies, put end to end, are the same bytes (docs/PROTOCOL.md §7.1, paged replies).
 * The entries are a snapshot taken when the request was answered; held records never change, so a reply read page by
 * page is as consistent as one read whole.
 *
 * @param <T> what one entry is written from
 */
final class RecordsReply<T> {

    /** How one entry is written. */
    interface Entries<T> {
        int size(T entry);

        void write(ByteBuffer out, T entry);
    }

    /** {@code record}: a signed record behind its u16 length. */
    static final Entries<HeldRecord> RECORDS = new Entries<>() {
        @Override
        public int size(HeldRecord record) {
            return 2 + record.signedBytes().length; // a record is at most 16 KiB (RecordCodec), within a u16
        }

        @Override
        public void write(ByteBuffer out, HeldRecord record) {
            byte[] signed = record.signedBytes();
            out.putShort((short) signed.length).put(signed);
        }
    };

    /** WATCH_FROM's replayed change: {@code kind u8 · revision u64 · record bytes16}. */
    static final Entries<Registry.Event> REPLAYED = new Entries<>() {
        @Override
        public int size(Registry.Event event) {
            return 1 + 8 + RECORDS.size(event.record());
        }

        @Override
        public void write(ByteBuffer out, Registry.Event event) {
            out.put((byte) event.kind()).putLong(event.revision());
            RECORDS.write(out, event.record());
        }
    };

    private final byte[] head;
    private final List<T> entries;
    private final Entries<T> writer;
    private final Runnable withdraw;

    /** A reply whose answering changed nothing (a lookup's). */
    RecordsReply(byte[] head, List<T> entries, Entries<T> writer) {
        this(head, entries, writer, () -> { });
    }

    /**
     * @param head     the reply's bytes before the count: status 0 and the operation's fixed fields
     * @param withdraw undoes what answering did (a watch's subscription), for a reply that will not be sent
     */
    RecordsReply(byte[] head, List<T> entries, Entries<T> writer, Runnable withdraw) {
        this.head = head;
        this.entries = entries;
        this.writer = writer;
        this.withdraw = withdraw;
    }

    /** Undoes what answering did, for a reply that is refused instead of sent: no watch stays that no one knows of. */
    void withdraw() {
        withdraw.run();
    }

    /** The whole reply, sized first and written once into its own array (no growing, no copy). */
    byte[] toBytes() {
        int size = head.length + 4;
        for (T entry : entries) {
            size += writer.size(entry);
        }
        return page(0, entries.size(), size);
    }

    /** Whether the whole reply fits one page of {@code pageBytes}. */
    boolean fitsOnePage(int pageBytes) {
        long size = head.length + 4L;
        for (int i = 0; i < entries.size() && size <= pageBytes; i++) {
            size += writer.size(entries.get(i));
        }
        return size <= pageBytes;
    }

    /**
     * The reply as pages of at most {@code pageBytes} each (a page holds at least one entry, so one record near the
     * 16 KiB a record may have can make its page a little larger), made one at a time as the caller grants credit, for
     * one subscriber. {@code onEnd} runs once, when the last page is handed over, the caller cancels or the reply is
     * ended for a stalled caller; in the last two, what answering did is withdrawn too (a watch the caller never
     * learnt of).
     */
    Paged pages(int pageBytes, Consumer<PagedReplies.Reader> onEnd) {
        return new Paged(pageBytes, onEnd);
    }

    /** Entries {@code from} to {@code to} (exclusive) as one array of {@code size} bytes, the head first on page one. */
    private byte[] page(int from, int to, int size) {
        ByteBuffer out = ByteBuffer.allocate(size);
        if (from == 0) {
            out.put(head).putInt(entries.size());
        }
        for (int i = from; i < to; i++) {
            writer.write(out, entries.get(i));
        }
        return out.array();
    }

    /**
     * One caller's walk through the pages. The serving side calls {@code request} (never on its event loop), and pages
     * are made only on demand: what waits for the caller to grant credit is the snapshot, not pages. A cancel may come
     * from the serving side or from the exchange's cancellation, and the backbone's sweep may end it from its own thread
     * ({@link #endIfStalledSince}): the reply ends once, whoever comes first, and every signal to the subscriber is
     * made under this object's lock, so they never overlap.
     */
    final class Paged implements Flow.Publisher<Message>, Flow.Subscription, PagedReplies.Reader {

        private final int pageBytes;
        private final Consumer<PagedReplies.Reader> onEnd;
        private final AtomicBoolean over = new AtomicBoolean();
        /** When the caller last granted credit (or the reply was made): what the sweep measures a stall from. */
        private volatile long creditedNanos = System.nanoTime();
        private Flow.Subscriber<? super Message> subscriber;
        private boolean stalled;
        private int next;
        private long demand;
        private boolean emitting;

        private Paged(int pageBytes, Consumer<PagedReplies.Reader> onEnd) {
            this.pageBytes = pageBytes;
            this.onEnd = onEnd;
        }

        @Override
        public synchronized void subscribe(Flow.Subscriber<? super Message> subscriber) {
            Objects.requireNonNull(subscriber, "subscriber");
            if (this.subscriber != null) {
                subscriber.onSubscribe(NOTHING);
                subscriber.onError(new IllegalStateException("a paged reply is read once"));
                return;
            }
            this.subscriber = subscriber;
            subscriber.onSubscribe(this);
            if (stalled) {
                subscriber.onError(stall());
            }
        }

        @Override
        public synchronized void request(long n) {
            creditedNanos = System.nanoTime();
            if (over.get()) {
                return;
            }
            if (n <= 0) {
                finish(false);
                subscriber.onError(new IllegalArgumentException("request(" + n + "): Flow's rule 3.9"));
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            if (emitting) {
                return; // a request from within onNext: the loop below goes on with it
            }
            emitting = true;
            try {
                while (demand > 0 && !over.get()) {
                    demand--;
                    subscriber.onNext(Message.of(nextPage()));
                    if (next == entries.size() && finish(true)) {
                        subscriber.onComplete();
                    }
                }
            } finally {
                emitting = false;
            }
        }

        private byte[] nextPage() {
            int from = next;
            int size = from == 0 ? head.length + 4 : 0;
            int to = from;
            while (to < entries.size()) {
                int entry = writer.size(entries.get(to));
                if (to > from && size + entry > pageBytes) {
                    break;
                }
                size += entry;
                to++;
            }
            next = to;
            return page(from, to, size);
        }

        /** The caller went: by its cancel, or the exchange ended early (its connection closed). */
        @Override
        public void cancel() {
            finish(false);
        }

        /** Under this object's lock, so that credit granted meanwhile ({@link #request}) is seen, not overtaken. */
        @Override
        public synchronized boolean endIfStalledSince(long cutoffNanos) {
            if (creditedNanos - cutoffNanos >= 0 || !finish(false)) {
                return false;
            }
            stalled = true;
            if (subscriber != null) {
                subscriber.onError(stall());
            }
            return true;
        }

        private PilotException stall() {
            return new PilotException(ErrorCode.TIMEOUT, "the paged reply waited too long for credit and was dropped");
        }

        /** Ends this reply once: its place given back, and what answering did withdrawn unless the caller read it all. */
        private boolean finish(boolean readAll) {
            if (!over.compareAndSet(false, true)) {
                return false;
            }
            if (!readAll) {
                withdraw.run(); // before the place is given back: whoever sees it free sees the watch gone too
            }
            onEnd.accept(this);
            return true;
        }
    }

    /** What a second subscriber is given before its error. */
    private static final Flow.Subscription NOTHING = new Flow.Subscription() {
        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
    };
}
