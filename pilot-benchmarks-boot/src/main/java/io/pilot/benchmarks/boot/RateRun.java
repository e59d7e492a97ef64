package io.pilot.benchmarks.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Calls per second with {@code inFlight} calls always outstanding: as many threads, each making blocking calls back
 * to back until the window closes (how a servlet container's request threads would call). The elapsed time runs
 * until the last thread's last call returned, so every counted call lies inside it.
 *
 * @param calls successful calls
 * @param failures calls that threw
 * @param nanos elapsed time
 * @param firstError the first failure's message, null if none
 */
public record RateRun(long calls, long failures, long nanos, String firstError) {

    public static RateRun of(EchoCall call, int inFlight, Duration window) throws InterruptedException {
        if (inFlight <= 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("need inFlight > 0 and a positive window");
        }
        EchoRequest request = EchoRequest.ofJsonLength();
        AtomicLong calls = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>(inFlight);
        long[] deadline = new long[1];
        for (int i = 0; i < inFlight; i++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (System.nanoTime() < deadline[0]) {
                    try {
                        call.call(request);
                        calls.incrementAndGet();
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        firstError.compareAndSet(null, Failures.describe(e));
                    }
                }
            }, "bench-caller-" + i);
            thread.start();
            threads.add(thread);
        }
        long start = System.nanoTime();
        deadline[0] = start + window.toNanos();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        return new RateRun(calls.get(), failures.get(), System.nanoTime() - start, firstError.get());
    }
}
