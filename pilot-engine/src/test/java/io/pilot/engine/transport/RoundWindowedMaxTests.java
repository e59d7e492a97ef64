package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoundWindowedMaxTests {

    @Test
    void keepsTheLargestValueOfTheWindow() {
        RoundWindowedMax max = new RoundWindowedMax(3);
        assertThat(max.update(0, 5)).isEqualTo(5);
        assertThat(max.update(0, 3)).isEqualTo(5);
        assertThat(max.update(1, 2)).isEqualTo(5);
        assertThat(max.update(2, 7)).isEqualTo(7);
    }

    @Test
    void aValueAgesOutAfterItsWindowEvenIfNothingLargerCame() {
        RoundWindowedMax max = new RoundWindowedMax(3);
        max.update(0, 10);
        max.update(1, 4);
        assertThat(max.update(2, 3)).isEqualTo(10);
        assertThat(max.update(3, 2)).as("round 0 is out of the window of rounds 1-3").isEqualTo(4);
    }

    @Test
    void roundsWithoutAnUpdateCountTowardsTheAge() {
        RoundWindowedMax max = new RoundWindowedMax(3);
        max.update(0, 10);
        assertThat(max.update(5, 1)).isEqualTo(1);
    }

    @Test
    void aSlotReusedByANewRoundForgetsItsOldValue() {
        RoundWindowedMax max = new RoundWindowedMax(2);
        max.update(0, 9);
        max.update(1, 1);
        assertThat(max.update(2, 2)).as("round 2 takes round 0's slot").isEqualTo(2);
    }

    @Test
    void refusesAnEmptyWindow() {
        assertThatThrownBy(() -> new RoundWindowedMax(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rounds");
    }
}
