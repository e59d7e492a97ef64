package io.pilot.engine.directory;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long to wait before the next attempt to reach the backbone: exponential backoff with "equal jitter"
 * and a cap. Attempt {@code n} (from 0) waits a uniformly random time in {@code [c/2, c]}, where
 * {@code c = min(max, first * 2^n)}; a success resets it to the first step.
 *
 * <p>Why jitter: when a backbone comes back, every agent that lost it would otherwise retry in the same
 * instant, again and again. Why half of the ceiling is fixed: an agent never retries in a busy loop, and the
 * spread still halves the synchronized load. Why a cap: a backbone that was away for an hour is found again
 * within {@code max} of its return.
 *
 * <p>Public for what stands in for a node elsewhere (the benchmarks' load generators retry on a node's schedule).
 */
public final class RetryBackoff {

    private final long firstNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private int attempt;

    /**
     * @param first the ceiling of the first wait
     * @param max the ceiling no wait exceeds
     * @param random where the jitter comes from (passed in so that tests can fix it)
     * @throws IllegalArgumentException if {@code first} is not positive or {@code max} is below it
     */
    public RetryBackoff(Duration first, Duration max, RandomGenerator random) {
        if (first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("the first retry delay must be positive, not " + first);
        }
        if (max.compareTo(first) < 0) {
            throw new IllegalArgumentException("the longest retry delay (" + max + ") is below the first (" + first + ")");
        }
        this.firstNanos = first.toNanos();
        this.maxNanos = max.toNanos();
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The longest wait between attempts. */
    Duration longest() {
        return Duration.ofNanos(maxNanos);
    }

    /** The wait before the next attempt; each call counts one more failed attempt. */
    public synchronized Duration next() {
        long ceiling = ceiling(attempt);
        if (ceiling < maxNanos) {
            attempt++;
        }
        long half = ceiling / 2;
        return Duration.ofNanos(half + random.nextLong(ceiling - half + 1));
    }

    /** After a success: the next failure starts from the first step again. */
    public synchronized void reset() {
        attempt = 0;
    }

    /** {@code min(max, first * 2^n)}, without overflowing. */
    private long ceiling(int n) {
        long ceiling = firstNanos;
        for (int i = 0; i < n && ceiling < maxNanos; i++) {
            ceiling = ceiling > maxNanos / 2 ? maxNanos : ceiling * 2;
        }
        return Math.min(ceiling, maxNanos);
    }
}
