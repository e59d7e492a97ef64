package io.pilot.samples.specialists.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LimitTests {

    @Test
    void absentMeansTenAndOneToFiftyAreTakenAsTheyAre() {
        assertThat(Limit.of(null)).isEqualTo(10);
        assertThat(Limit.of(1)).isEqualTo(1);
        assertThat(Limit.of(50)).isEqualTo(50);
    }

    @Test
    void outOfRangeIsRefused() {
        assertThatThrownBy(() -> Limit.of(0)).isInstanceOf(BadRequestException.class)
                .hasMessage("limit must be between 1 and 50, was 0");
        assertThatThrownBy(() -> Limit.of(51)).isInstanceOf(BadRequestException.class)
                .hasMessage("limit must be between 1 and 50, was 51");
    }
}
