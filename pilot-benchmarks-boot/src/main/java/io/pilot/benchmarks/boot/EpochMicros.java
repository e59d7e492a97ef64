package io.pilot.benchmarks.boot;

import java.time.Instant;

/**
 * Wall-clock time in microseconds since the epoch, read cheaply: one {@link Instant} at class load plus the
 * monotonic clock since. The runner compares these instants across processes on one machine (a provider's
 * readiness with the caller's calls), which only the wall clock allows; the monotonic part keeps the readings of
 * one process ordered and precise.
 */
public final class EpochMicros {

    private static final long BASE_MICROS;
    private static final long BASE_NANOS;

    static {
        Instant now = Instant.now();
        BASE_NANOS = System.nanoTime();
        BASE_MICROS = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    private EpochMicros() {
    }

    public static long now() {
        return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1_000;
    }
}
