package io.pilot.engine.message;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a caller blocked on a {@link ReplyFuture} waits: a short, bounded spin before it parks, when replies have
 * lately been arriving within that spin.
 *
 * <p>Why: a parked caller costs the event loop a futex wake-up as the reply arrives, and the caller the kernel's
 * scheduling latency before it runs again (microseconds on an idle core, tens of them on a busy machine). A caller still spinning when the reply arrives sees it at once, and the loop sends no wake-up at
 * all. Spinning pays only while replies are fast, so it is bounded three ways: one wait spins at most
 * {@code maxSpin}; a node spins only while most recent waits ended within {@code maxSpin} (each wait, spun or
 * parked, is recorded); and at most {@code maxSpinners} threads of the JVM spin at once (for a node: two fewer than
 * the cores, so none on two cores), the others parking at once. So slow replies, or many blocked callers, burn no core.
 *
 * <p>The recent hit rate is written without synchronisation: a sample lost to a race only delays the adaptation.
 */
public final class SpinBeforePark {

    /** Spins never: every waiter parks at once (what a future built without a policy does). */
    static final SpinBeforePark NEVER = new SpinBeforePark(Duration.ZERO, 0);

    /** The longest spin of a node's waiter unless {@value #SPIN_PROPERTY} says otherwise: about one quiet loopback round trip. */
    static final Duration DEFAULT_MAX_SPIN = Duration.of(100, ChronoUnit.MICROS);

    /**
     * Cores no waiter may spin on: the event loops that carry a reply (this node's, and on one machine the peer's)
     * need them. Measured on two cores with both nodes in one process, a spinning caller took a core the loops
     * needed and made pings slower, not faster (docs/benchmarks.md section 1).
     */
    static final int CORES_KEPT_FOR_LOOPS = 2;

    /** System property: a node waiter's longest spin in microseconds; 0 turns spinning off. */
    public static final String SPIN_PROPERTY = "pilot.engine.replySpinMicros";

    /** Threads of this JVM spinning right now, across every node: bounded by {@link #maxSpinners}. */
    private static final AtomicInteger SPINNING = new AtomicInteger();

    /** Fixed-point scale of {@link #recentHits}: 1.0. */
    private static final int ONE = 1 << 16;

    private final long maxSpinNanos;
    private final int maxSpinners;
    /** Share of recent waits that ended within {@link #maxSpinNanos}, of {@link #ONE}; starts hopeful. */
    private volatile int recentHits = ONE;

    /**
     * @param maxSpin the longest a waiter spins before it parks; zero never spins
     * @param maxSpinners how many threads of the JVM may spin at once, across every policy
     * @throws IllegalArgumentException if either is negative
     */
    SpinBeforePark(Duration maxSpin, int maxSpinners) {
        if (maxSpin.isNegative() || maxSpinners < 0) {
            throw new IllegalArgumentException("maxSpin and maxSpinners must not be negative, got " + maxSpin + " and "
                    + maxSpinners);
        }
        this.maxSpinNanos = maxSpin.toNanos();
        this.maxSpinners = maxSpinners;
    }

    /**
     * A node's policy: spins up to {@value #SPIN_PROPERTY} microseconds (default 100), at most
     * {@value #CORES_KEPT_FOR_LOOPS} threads fewer than the machine's cores at once (so none on two cores).
     *
     * @throws IllegalArgumentException if the property is set to something other than a non-negative number
     */
    public static SpinBeforePark forThisMachine() {
        Duration maxSpin = DEFAULT_MAX_SPIN;
        String configured = System.getProperty(SPIN_PROPERTY);
        if (configured != null) {
            long micros;
            try {
                micros = Long.parseLong(configured.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(SPIN_PROPERTY + " must be a number of microseconds, got '"
                        + configured + "'", e);
            }
            maxSpin = Duration.of(micros, ChronoUnit.MICROS);
        }
        int spinners = Math.max(0, Runtime.getRuntime().availableProcessors() - CORES_KEPT_FOR_LOOPS);
        return new SpinBeforePark(maxSpin, spinners);
    }

    /** How long the next waiter would spin if a spinner's place were free: 0 while recent waits were too long. */
    long spinNanos() {
        return recentHits >= ONE / 2 ? maxSpinNanos : 0;
    }

    /**
     * Takes a spinner's place if this waiter should spin, and says how long: at most {@code patienceNanos} (the
     * waiter's own timeout; negative for none). Returns 0, holding no place, if it should park at once; otherwise
     * the caller must {@link #endSpin} once it stops spinning.
     */
    long beginSpin(long patienceNanos) {
        long spin = spinNanos();
        if (patienceNanos >= 0) {
            spin = Math.min(spin, patienceNanos);
        }
        if (spin <= 0) {
            return 0;
        }
        int spinning;
        do {
            spinning = SPINNING.get();
            if (spinning >= maxSpinners) {
                return 0;
            }
        } while (!SPINNING.compareAndSet(spinning, spinning + 1));
        return spin;
    }

    /** Gives back the place {@link #beginSpin} took. */
    void endSpin() {
        SPINNING.decrementAndGet();
    }

    /** Records how long a wait lasted, spun or parked, so that spinning follows what replies do now. */
    void recordWait(long waitedNanos) {
        if (maxSpinNanos == 0 || maxSpinners == 0) {
            return;
        }
        int hit = waitedNanos <= maxSpinNanos ? ONE : 0;
        int current = recentHits;
        recentHits = current + (hit - current) / 8; // a moving average over roughly the last eight waits
    }

    /** Threads of this JVM spinning right now, across every policy. */
    static int spinningNow() {
        return SPINNING.get();
    }
}
