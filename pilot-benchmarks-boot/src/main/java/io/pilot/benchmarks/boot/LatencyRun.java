package io.pilot.benchmarks.boot;

import java.time.Duration;
import java.util.Arrays;

/**
 * Sequential calls from one thread, each timed as the calling thread sees it: {@code warmup} calls discarded, then
 * up to {@code calls} measured, all within {@code budget} (a contender that slows to seconds per call, such as calls
 * while the backbone is down, ends early with fewer samples instead of holding the run).
 *
 * @param nanos round trips of the successful measured calls, in the order made
 * @param failures measured calls that threw
 * @param firstError the first failure's message, null if none
 */
public record LatencyRun(long[] nanos, int failures, String firstError) {

    public static LatencyRun of(EchoCall call, int warmup, int calls, Duration budget) {
        if (warmup < 0 || calls <= 0 || budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("need warmup >= 0, calls > 0 and a positive budget");
        }
        EchoRequest request = EchoRequest.ofJsonLength();
        long deadline = System.nanoTime() + budget.toNanos();
        for (int i = 0; i < warmup && System.nanoTime() < deadline; i++) {
            try {
                call.call(request);
            } catch (Exception e) {
                // Warm-up failures (a session still coming up) do not count; measured ones do.
            }
        }
        long[] nanos = new long[calls];
        int done = 0;
        int failures = 0;
        String firstError = null;
        for (int i = 0; i < calls && System.nanoTime() < deadline; i++) {
            long start = System.nanoTime();
            try {
                call.call(request);
                nanos[done++] = System.nanoTime() - start;
            } catch (Exception e) {
                failures++;
                firstError = firstError == null ? Failures.describe(e) : firstError;
            }
        }
        return new LatencyRun(Arrays.copyOf(nanos, done), failures, firstError);
    }
}
