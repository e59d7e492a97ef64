package io.pilot.engine.session;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class IndexTableTests {

    /** A "random" source that repeats itself, to show that taken and zero indexes are skipped. */
    private static final class Repeating extends SecureRandom {
        private final int[] values;
        private int next;

        Repeating(int... values) {
            this.values = values;
        }

        @Override
        public int nextInt() {
            return values[next++ % values.length];
        }
    }

    @Test
    void allocatesNeitherZeroNorAnIndexInUse() {
        IndexTable table = new IndexTable(new Repeating(0, 7, 7, 0, 9));
        int first = table.allocate();
        table.put(first, "first");
        int second = table.allocate();

        assertThat(first).isEqualTo(7);
        assertThat(second).as("0 and the taken 7 are skipped").isEqualTo(9);
    }

    @Test
    void anIndexIsFreeAgainOnceRemoved() {
        IndexTable table = new IndexTable(new Repeating(5));
        table.put(table.allocate(), "state");
        assertThat(table.get(5)).isEqualTo("state");

        table.remove(5);

        assertThat(table.get(5)).isNull();
        assertThat(table.allocate()).isEqualTo(5);
    }

    @Test
    void retiringKeysFreesTheirIndexAndIgnoresAnEmptySlot() {
        IndexTable table = new IndexTable(new SecureRandom());
        Keypair keypair = new Keypair(42, 1, false, 0, null, new byte[32], new byte[32]);
        table.put(42, keypair);

        table.retire(null);
        assertThat(table.size()).isOne();
        table.retire(keypair);
        assertThat(table.get(42)).isNull();
    }

    @Test
    void manyAllocationsAreDistinct() {
        IndexTable table = new IndexTable(new SecureRandom());
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            int index = table.allocate();
            table.put(index, i);
            seen.add(index);
        }
        assertThat(seen).hasSize(1000).doesNotContain(0);
    }
}
