package io.pilot.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class CreditWindowTests {

    @Test
    void grantsTheWholeWindowFirstThenTopsItUpAtHalf() {
        CreditWindow window = new CreditWindow(32);
        window.demand(Long.MAX_VALUE);
        assertThat(window.grant()).isEqualTo(32);
        for (int i = 0; i < 15; i++) {
            assertThat(window.received()).isTrue();
            window.delivered(1);
            assertThat(window.grant()).as("after %d taken", i + 1).isZero();
        }
        assertThat(window.received()).isTrue();
        window.delivered(1);
        assertThat(window.grant()).isEqualTo(16);
    }

    @Test
    void neverGrantsMoreThanTheConsumerAskedFor() {
        CreditWindow window = new CreditWindow(32);
        assertThat(window.grant()).as("no demand yet").isZero();
        window.demand(3);
        assertThat(window.grant()).isEqualTo(3);
        window.demand(1);
        assertThat(window.grant()).as("3 still owed, 4 wanted: not yet half used").isZero();
        for (int i = 0; i < 3; i++) {
            window.received();
            window.delivered(1);
        }
        assertThat(window.grant()).isEqualTo(1);
    }

    @Test
    void oneAtATimeGetsCreditOneAtATime() {
        CreditWindow window = new CreditWindow(16);
        for (int i = 0; i < 5; i++) {
            window.demand(1);
            assertThat(window.grant()).isEqualTo(1);
            assertThat(window.owed()).isTrue();
            assertThat(window.received()).isTrue();
            assertThat(window.owed()).isFalse();
            window.delivered(1);
        }
    }

    @Test
    void itemsBeyondTheCreditAreRefusedAndItemsNotTakenHoldTheWindow() {
        CreditWindow window = new CreditWindow(4);
        window.demand(100);
        assertThat(window.grant()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(window.received()).isTrue();
        }
        assertThat(window.received()).as("a fifth item on a credit of 4").isFalse();
        assertThat(window.grant()).as("received but not taken: nothing more").isZero();
    }

    @Test
    void demandSaturatesAndTheWindowIsChecked() {
        CreditWindow window = new CreditWindow(StreamCredit.MAX_OUTSTANDING);
        window.demand(Long.MAX_VALUE);
        window.demand(Long.MAX_VALUE);
        assertThat(window.grant()).isEqualTo(StreamCredit.MAX_OUTSTANDING);
        assertThatIllegalArgumentException().isThrownBy(() -> new CreditWindow(0));
        assertThatIllegalArgumentException().isThrownBy(() -> new CreditWindow(StreamCredit.MAX_OUTSTANDING + 1));
    }
}
