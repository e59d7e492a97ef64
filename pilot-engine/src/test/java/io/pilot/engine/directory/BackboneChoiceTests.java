package io.pilot.engine.directory;

import io.pilot.engine.address.PilotAddress;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackboneChoiceTests {

    private static final List<InetSocketAddress> THREE = List.of(new InetSocketAddress("192.0.2.1", 7400),
            new InetSocketAddress("192.0.2.2", 7400), new InetSocketAddress("192.0.2.3", 7400));

    @Test
    void aNodeStartsFromTheBackboneItsAddressPicksEveryTime() {
        PilotAddress node = new PilotAddress(0, 0x1234_5678_9abcL);
        assertThat(new BackboneChoice(THREE, node).current()).isEqualTo(new BackboneChoice(THREE, node).current());
    }

    @Test
    void nodesSpreadOverTheBackbones() {
        Set<InetSocketAddress> firsts = new HashSet<>();
        for (long n = 1; n <= 30; n++) {
            firsts.add(new BackboneChoice(THREE, new PilotAddress(0, n * 0x9E37_79B9L)).current());
        }
        assertThat(firsts).containsExactlyInAnyOrderElementsOf(THREE);
    }

    @Test
    void afterAFailureTheNextInTheListIsTriedUntilEveryOneFailedInARow() {
        BackboneChoice choice = new BackboneChoice(THREE, new PilotAddress(0, 7));
        List<InetSocketAddress> tried = new ArrayList<>(List.of(choice.current()));
        assertThat(choice.next()).isTrue();
        tried.add(choice.current());
        assertThat(choice.next()).isTrue();
        tried.add(choice.current());
        assertThat(choice.next()).as("all three failed in a row: time to wait").isFalse();
        assertThat(tried).containsExactlyInAnyOrderElementsOf(THREE);
        int first = THREE.indexOf(tried.get(0));
        assertThat(tried).containsExactly(THREE.get(first), THREE.get((first + 1) % 3), THREE.get((first + 2) % 3));
        assertThat(choice.current()).as("the next round starts where the last began").isEqualTo(tried.get(0));
        assertThat(choice.next()).as("a new round").isTrue();
    }

    @Test
    void aSuccessStartsANewRound() {
        BackboneChoice choice = new BackboneChoice(THREE, new PilotAddress(0, 7));
        choice.next();
        choice.next();
        choice.succeeded();
        assertThat(choice.next()).isTrue();
        assertThat(choice.next()).isTrue();
    }

    @Test
    void withOneBackboneAFailureLeavesNothingElseToTry() {
        BackboneChoice choice = new BackboneChoice(THREE.subList(0, 1), new PilotAddress(0, 7));
        assertThat(choice.next()).isFalse();
        assertThat(choice.current()).isEqualTo(THREE.get(0));
    }

    @Test
    void noBackboneIsRefused() {
        assertThatThrownBy(() -> new BackboneChoice(List.of(), new PilotAddress(0, 7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one backbone");
    }
}
