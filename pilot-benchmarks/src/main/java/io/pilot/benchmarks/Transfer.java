package io.pilot.benchmarks;

/**
 * Bytes that reached the receiving application during one timed window.
 *
 * @param bytes payload bytes delivered to the receiver (application bytes: no headers, tags or retransmissions)
 * @param nanos length of the window
 */
public record Transfer(long bytes, long nanos) {

    public static final double MIB = 1 << 20;

    public Transfer {
        if (nanos <= 0) {
            throw new IllegalArgumentException("a transfer takes time: " + nanos + " ns");
        }
    }

    public double mibPerSecond() {
        return bytes / MIB / (nanos / 1e9);
    }
}
