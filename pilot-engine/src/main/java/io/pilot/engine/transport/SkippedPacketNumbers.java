package io.pilot.engine.transport;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * Packet numbers this side leaves out on purpose (RFC 9000 §21.4): now and then one is skipped, at an interval the
 * peer cannot predict, and an ACK that covers a skipped number proves the peer acknowledges packets it never
 * received (an optimistic ACK, to inflate the congestion window, perhaps toward a spoofed address). Without them
 * sequential packet numbers let such a peer acknowledge everything up to the newest number it saw.
 *
 * <p>The newest {@value #REMEMBERED} skipped numbers are remembered, which covers several thousand packets; an ACK
 * of an older one goes unnoticed.
 */
final class SkippedPacketNumbers {

    static final int REMEMBERED = 16;
    /** A skip comes after at least this many packets ... */
    static final int MIN_INTERVAL = 256;
    /** ... and fewer than MIN_INTERVAL + SPREAD. */
    static final int SPREAD = 512;

    private static final SecureRandom SEEDS = new SecureRandom();

    private final SplittableRandom random;
    private final long[] skipped = new long[REMEMBERED];
    private int count;
    private long nextSkip;

    SkippedPacketNumbers() {
        this(SEEDS.nextLong());
    }

    SkippedPacketNumbers(long seed) {
        this.random = new SplittableRandom(seed);
        this.nextSkip = draw(0);
    }

    /** The number the next packet takes: {@code candidate}, or the one after it if {@code candidate} is skipped. */
    long next(long candidate) {
        if (candidate != nextSkip) {
            return candidate;
        }
        skipped[count++ % REMEMBERED] = candidate;
        nextSkip = draw(candidate + 1);
        return candidate + 1;
    }

    /**
     * The skipped number an ACK covers, or -1 if none.
     *
     * @param ranges inclusive ranges {@code [high0, low0, high1, low1, ...]} as in {@link Frame.Ack}
     */
    long acknowledgedIn(long[] ranges) {
        for (int i = 0; i < Math.min(count, REMEMBERED); i++) {
            long number = skipped[i];
            for (int r = 0; r < ranges.length; r += 2) {
                if (number <= ranges[r] && number >= ranges[r + 1]) {
                    return number;
                }
            }
        }
        return -1;
    }

    private long draw(long from) {
        return from + MIN_INTERVAL + random.nextInt(SPREAD);
    }
}
