package io.pilot.benchmarks;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Section 8: streamed replies at the engine level: {@link PilotNode#requestStream} against a
 * {@link MessageHandler#streaming} producer that makes {@value #ITEM_BYTES}-byte items as fast as it is asked (on the
 * requesting thread, the server's handler pool), over an established tunnel on loopback. Items per second of one
 * stream read by a subscriber that asks for everything (the engine's credit window, 32 or 256 items, is what flows),
 * and the time from subscribing to the first item of a fresh stream (the REQUEST_STREAM, the handler's start on the
 * server's pool, the first ITEM back, the hand-off to the subscriber).
 */
public final class StreamBenchmark {

    /** Body of each item: a token or a progress line. */
    static final int ITEM_BYTES = 64;

    private static final int PORT = 1002;
    private static final int[] WINDOWS = {32, 256};

    /**
     * @param window the caller's credit window, items
     * @param itemsPerSecond items per second of one stream, one sample per iteration
     * @param firstItemNanos subscribe to first item, nanoseconds, one sample per fresh stream
     */
    public record Row(int window, Samples itemsPerSecond, Samples firstItemNanos) {
    }

    /** @param items items per measured stream */
    public record Result(List<Row> rows, int items) {
    }

    public Result run(RunProfile profile) {
        boolean standard = profile.name().equals("standard"); // quick and the smoke test's profile: a sanity check
        int items = standard ? 200_000 : 20_000;
        int iterations = standard ? 5 : 3;
        int firsts = standard ? 1_000 : 100;
        byte[] body = new byte[ITEM_BYTES];
        try (PilotPair pair = PilotPair.start()) {
            pair.server().listen(PORT, MessageHandler.streaming(in -> new Counted(Long.parseLong(in.message().bodyAsString()), body)));
            PilotSocketAddress target = pair.serverPort(PORT);
            List<Row> rows = new ArrayList<>();
            for (int window : WINDOWS) {
                drain(pair.client(), target, items / 4, window); // warm-up
                double[] rates = new double[iterations];
                for (int i = 0; i < iterations; i++) {
                    long start = System.nanoTime();
                    drain(pair.client(), target, items, window);
                    rates[i] = items / ((System.nanoTime() - start) / 1e9);
                }
                long[] first = new long[firsts];
                for (int i = 0; i < firsts; i++) {
                    first[i] = firstItem(pair.client(), target, window);
                }
                rows.add(new Row(window, Samples.of(rates), Samples.of(first)));
            }
            return new Result(rows, items);
        }
    }

    /** Reads a stream of {@code count} items to its end. */
    private static void drain(PilotNode client, PilotSocketAddress target, long count, int window) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        client.requestStream(target, Message.of(Long.toString(count)), Duration.ofSeconds(30), window).subscribe(new Flow.Subscriber<>() {
            private long seen;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Message item) {
                seen++;
            }

            @Override
            public void onError(Throwable failure) {
                done.completeExceptionally(failure);
            }

            @Override
            public void onComplete() {
                done.complete(seen);
            }
        });
        if (done.join() != count) {
            throw new IllegalStateException("stream ended early");
        }
    }

    /** Nanoseconds from subscribing to the first item of a fresh stream of one item. */
    private static long firstItem(PilotNode client, PilotSocketAddress target, int window) {
        CompletableFuture<Long> first = new CompletableFuture<>();
        long start = System.nanoTime();
        client.requestStream(target, Message.of("1"), Duration.ofSeconds(30), window).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Message item) {
                first.complete(System.nanoTime() - start);
            }

            @Override
            public void onError(Throwable failure) {
                first.completeExceptionally(failure);
            }

            @Override
            public void onComplete() {
            }
        });
        return first.join();
    }

    /** {@code count} items of the same body, each made when asked for, on the asking thread. */
    private record Counted(long count, byte[] body) implements Flow.Publisher<Message> {
        @Override
        public void subscribe(Flow.Subscriber<? super Message> subscriber) {
            AtomicLong sent = new AtomicLong();
            subscriber.onSubscribe(new Flow.Subscription() {
                private boolean done;

                @Override
                public synchronized void request(long n) {
                    for (long i = 0; i < n && !done; i++) {
                        if (sent.get() == count) {
                            done = true;
                            subscriber.onComplete();
                            return;
                        }
                        sent.incrementAndGet();
                        subscriber.onNext(Message.of(body));
                    }
                    if (!done && sent.get() == count) {
                        done = true;
                        subscriber.onComplete();
                    }
                }

                @Override
                public synchronized void cancel() {
                    done = true;
                }
            });
        }
    }
}
