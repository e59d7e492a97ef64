package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RangeSetTests {

    @Test
    void mergesTouchingAndOverlappingIntervals() {
        RangeSet set = new RangeSet();
        set.add(10, 20);
        set.add(30, 40);
        set.add(20, 25);
        assertThat(set).hasToString("[10..25, 30..40]");
        set.add(0, 35);
        assertThat(set).hasToString("[0..40]");
        set.remove(5, 10);
        assertThat(set).hasToString("[0..5, 10..40]");
        set.remove(0, 100);
        assertThat(set.isEmpty()).isTrue();
    }

    @Test
    void matchesABitSetUnderRandomOperations() {
        Random random = new Random(1);
        RangeSet set = new RangeSet();
        BitSet model = new BitSet();
        for (int i = 0; i < 20_000; i++) {
            int a = random.nextInt(500);
            int b = a + random.nextInt(20);
            if (random.nextInt(3) == 0) {
                set.remove(a, b);
                model.clear(a, b);
            } else {
                set.add(a, b);
                model.set(a, b);
            }
            int probe = random.nextInt(520);
            assertThat(set.contains(probe)).isEqualTo(model.get(probe));
        }
        for (int i = 1; i < set.size(); i++) {
            assertThat(set.start(i)).isGreaterThan(set.end(i - 1));
        }
        assertThat(set.size()).isEqualTo(countRuns(model));
    }

    private static int countRuns(BitSet bits) {
        int runs = 0;
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(bits.nextClearBit(i))) {
            runs++;
        }
        return runs;
    }
}
