package io.pilot.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class InboundBudgetTests {

    private final InboundBudget<String> budget = new InboundBudget<>(100, 150);
    private final String alice = "alice";
    private final String bob = "bob";

    @Test
    void aPeerIsBoundByItsShareAndAllPeersByTheTotal() {
        InboundBudget<String>.Account a = budget.of(alice);
        assertThat(a.change(0, 60)).isTrue();
        assertThat(a.change(0, 41)).as("alice's share: 100").isFalse();
        assertThat(a.nodeFullFor(41)).isFalse();
        assertThat(a.change(60, 100)).isTrue();
        InboundBudget<String>.Account b = budget.of(bob);
        assertThat(b.change(0, 50)).isTrue();
        assertThat(b.change(0, 1)).as("the node's total: 150").isFalse();
        assertThat(b.nodeFullFor(1)).isTrue();
        assertThat(budget.held()).isEqualTo(150);
        assertThat(a.change(100, 0)).isTrue(); // shrinking never fails
        assertThat(b.change(0, 40)).isTrue();
        assertThat(budget.held()).isEqualTo(90);
        assertThat(budget.of(bob)).isSameAs(b);
    }

    @Test
    void aClosedConnectionFreesWhatItsPeerHeldAndItsLateReleasesChangeNothing() {
        InboundBudget<String>.Account old = budget.of(alice);
        old.change(0, 80);
        budget.of(bob).change(0, 50);
        budget.closed(alice);
        assertThat(budget.held()).isEqualTo(50);
        InboundBudget<String>.Account renewed = budget.of(alice); // the peer's next connection: a new account
        assertThat(renewed).isNotSameAs(old);
        assertThat(renewed.change(0, 100)).isTrue();
        old.change(80, 0); // an exchange of the old connection lets go late
        assertThat(budget.held()).isEqualTo(150);
        assertThat(renewed.change(100, 101)).isFalse();
        budget.closed(bob);
        budget.closed(bob); // twice: nothing more to free
        assertThat(budget.held()).isEqualTo(100);
    }

    @Test
    void aShareAboveTheTotalIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new InboundBudget<String>(200, 100));
        assertThatIllegalArgumentException().isThrownBy(() -> new InboundBudget<String>(0, 100));
    }
}
