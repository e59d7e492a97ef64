package io.pilot.engine.net;

import java.time.Duration;

/**
 * How a node's link misbehaves on purpose: for tests and benchmarks of the transport under loss,
 * reordering, duplication and delay (this kernel has no {@code tc netem}). Applies to datagrams in
 * both directions. The default, {@link #NONE}, is a perfect link and costs nothing.
 *
 * @param lossRate probability in [0,1) that a datagram is dropped
 * @param duplicateRate probability in [0,1) that a datagram is delivered twice
 * @param reorderRate probability in [0,1) that a datagram is held back by {@code reorderDelay}
 * @param delay fixed one-way delay added to every datagram
 * @param reorderDelay extra delay for reordered datagrams
 * @param seed random seed, so a failing run can be repeated
 */
public record Impairment(double lossRate, double duplicateRate, double reorderRate, Duration delay,
                         Duration reorderDelay, long seed) {

    /** A perfect link. */
    public static final Impairment NONE = new Impairment(0, 0, 0, Duration.ZERO, Duration.ZERO, 0);

    public Impairment {
        checkRate("lossRate", lossRate);
        checkRate("duplicateRate", duplicateRate);
        checkRate("reorderRate", reorderRate);
        if (delay.isNegative() || reorderDelay.isNegative()) {
            throw new IllegalArgumentException("delays must not be negative");
        }
    }

    /** A link that only loses datagrams. */
    public static Impairment loss(double rate, long seed) {
        return new Impairment(rate, 0, 0, Duration.ZERO, Duration.ZERO, seed);
    }

    public boolean isNone() {
        return lossRate == 0 && duplicateRate == 0 && reorderRate == 0 && delay.isZero();
    }

    private static void checkRate(String name, double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(name + " must be in [0,1), got " + rate);
        }
    }
}
