package io.pilot.spring.test;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits, bounded, for what a test expects to happen elsewhere (a registration, a broadcast): asks again every few
 * milliseconds and fails with a message that says what was there instead. The kit's one wait, so every await
 * helper fails the same way.
 */
final class Poll {

    private static final long INTERVAL_MILLIS = 10;

    private Poll() {
    }

    /**
     * @return the first value {@code probe} gives that {@code done} accepts
     * @throws AssertionError after {@code timeout}, with {@code expected} and the last value {@code describe} gives
     */
    static <T> T until(Duration timeout, Supplier<T> probe, Predicate<T> done, String expected, Supplier<String> describe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for " + expected + "; " + describe.get());
            }
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + expected, e);
            }
        }
    }
}
