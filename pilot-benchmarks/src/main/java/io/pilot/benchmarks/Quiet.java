package io.pilot.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Waits for a receive counter to stop moving, so that bytes still in socket buffers after one contender's
 * window do not compete for the CPU with the next contender.
 */
final class Quiet {

    private static final long STEP_MILLIS = 25;
    private static final long GIVE_UP_MILLIS = 5_000;

    private Quiet() {
    }

    static void waitFor(AtomicLong counter) throws InterruptedException {
        long last = counter.get();
        for (long waited = 0; waited < GIVE_UP_MILLIS; waited += STEP_MILLIS) {
            TimeUnit.MILLISECONDS.sleep(STEP_MILLIS);
            long now = counter.get();
            if (now == last) {
                return;
            }
            last = now;
        }
    }
}
