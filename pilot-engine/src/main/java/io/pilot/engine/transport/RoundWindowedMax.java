package io.pilot.engine.transport;

import java.util.Arrays;

/**
 * The largest value seen over the last {@code rounds} round trips, as BBR keeps its bandwidth and ACK-aggregation
 * estimates (draft-ietf-ccwg-bbr 5.5.4, 5.5.9): one slot per round, a value older than the window ages out
 * without being pushed out by a smaller one. Rounds are counted by the caller and must not decrease.
 */
final class RoundWindowedMax {

    private final double[] valueBySlot;
    private final long[] roundOfSlot;

    RoundWindowedMax(int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        valueBySlot = new double[rounds];
        roundOfSlot = new long[rounds];
        Arrays.fill(roundOfSlot, -rounds);
    }

    /** Records {@code value} in {@code round} and returns the maximum over the window ending at that round. */
    double update(long round, double value) {
        int slot = (int) (round % valueBySlot.length);
        if (roundOfSlot[slot] != round) {
            roundOfSlot[slot] = round;
            valueBySlot[slot] = 0;
        }
        valueBySlot[slot] = Math.max(valueBySlot[slot], value);
        double max = 0;
        for (int i = 0; i < valueBySlot.length; i++) {
            if (round - roundOfSlot[i] < valueBySlot.length) {
                max = Math.max(max, valueBySlot[i]);
            }
        }
        return max;
    }
}
