package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SkippedPacketNumbersTests {

    @Test
    void numbersAreSkippedAtBoundedUnpredictableIntervalsAndAnAckCoveringOneIsFound() {
        SkippedPacketNumbers skipper = new SkippedPacketNumbers(42);
        List<Long> skippedNumbers = new ArrayList<>();
        long next = 0;
        for (int packet = 0; packet < 10_000; packet++) {
            long used = skipper.next(next);
            if (used != next) {
                assertThat(used).isEqualTo(next + 1);
                skippedNumbers.add(next);
            }
            assertThat(skipper.next(used)).as("asking again does not skip again").isEqualTo(used);
            next = used + 1;
        }
        assertThat(skippedNumbers).hasSizeGreaterThanOrEqualTo(10_000 / (SkippedPacketNumbers.MIN_INTERVAL
                + SkippedPacketNumbers.SPREAD));
        assertThat(skippedNumbers.get(0)).isBetween((long) SkippedPacketNumbers.MIN_INTERVAL,
                (long) SkippedPacketNumbers.MIN_INTERVAL + SkippedPacketNumbers.SPREAD);
        for (int i = 1; i < skippedNumbers.size(); i++) {
            assertThat(skippedNumbers.get(i) - skippedNumbers.get(i - 1)).isBetween(
                    (long) SkippedPacketNumbers.MIN_INTERVAL + 1,
                    (long) SkippedPacketNumbers.MIN_INTERVAL + SkippedPacketNumbers.SPREAD);
        }
        assertThat(new SkippedPacketNumbers(43).next(skippedNumbers.get(0))).as("another seed, other numbers")
                .isEqualTo(skippedNumbers.get(0));

        long newest = skippedNumbers.get(skippedNumbers.size() - 1);
        assertThat(skipper.acknowledgedIn(new long[] {newest + 5, newest - 5})).isEqualTo(newest);
        assertThat(skipper.acknowledgedIn(new long[] {newest + 5, newest + 1, newest - 1, newest - 5})).isEqualTo(-1);
        long forgotten = skippedNumbers.get(skippedNumbers.size() - 1 - SkippedPacketNumbers.REMEMBERED);
        assertThat(skipper.acknowledgedIn(new long[] {forgotten, forgotten})).as("older than remembered").isEqualTo(-1);
    }
}
