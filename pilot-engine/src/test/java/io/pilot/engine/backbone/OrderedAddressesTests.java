package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.address.PilotAddress;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class OrderedAddressesTests {

    @Test
    void keepsTheOrderAddedAndEachAddressOnce() {
        OrderedAddresses set = new OrderedAddresses();
        PilotAddress a = new PilotAddress(0, 1);
        PilotAddress b = new PilotAddress(0, 2);
        PilotAddress c = new PilotAddress(0, 3);
        assertThat(set.add(b)).isTrue();
        assertThat(set.add(a)).isTrue();
        assertThat(set.add(new PilotAddress(0, 2))).as("an equal address is the same member").isFalse();
        assertThat(set.add(c)).isTrue();
        assertThat(set).containsExactly(b, a, c);

        assertThat(set.remove(a)).isTrue();
        assertThat(set.remove(a)).isFalse();
        assertThat(set.remove("not an address")).isFalse();
        assertThat(set).containsExactly(b, c).hasSize(2);
        assertThat(set.contains(a)).isFalse();
        set.add(a);
        assertThat(set).containsExactly(b, c, a);
    }

    @Test
    void behavesAsALinkedHashSetThroughManyAddsAndRemovals() {
        Random random = new Random(18);
        OrderedAddresses set = new OrderedAddresses();
        Set<PilotAddress> expected = new LinkedHashSet<>();
        for (int step = 0; step < 200_000; step++) {
            PilotAddress address = new PilotAddress(0, random.nextInt(5_000));
            if (random.nextInt(3) == 0) {
                assertThat(set.remove(address)).isEqualTo(expected.remove(address));
            } else {
                assertThat(set.add(address)).isEqualTo(expected.add(address));
            }
        }
        assertThat(set).hasSize(expected.size());
        assertThat(new ArrayList<>(set)).isEqualTo(new ArrayList<>(expected));
        for (PilotAddress address : List.copyOf(expected)) {
            assertThat(set.contains(address)).isTrue();
            set.remove(address);
        }
        assertThat(set).isEmpty();
        assertThat(set.iterator().hasNext()).isFalse();
    }
}
