package io.pilot.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServingLimitsTests {

    @Test
    void admitsUpToTheLimitAndAgainOnceOneIsAnswered() {
        ServingLimits limits = new ServingLimits();
        limits.limit(7, 2);
        assertThat(limits.tryEnter(7)).isTrue();
        assertThat(limits.tryEnter(7)).isTrue();
        assertThat(limits.tryEnter(7)).isFalse();
        assertThat(limits.serving(7)).isEqualTo(2);
        limits.exit(7);
        assertThat(limits.tryEnter(7)).isTrue();
        assertThat(limits.tryEnter(7)).isFalse();
    }

    @Test
    void portsAreCountedApartAndAPortWithoutLimitAdmitsAll() {
        ServingLimits limits = new ServingLimits();
        limits.limit(1, 1);
        assertThat(limits.tryEnter(1)).isTrue();
        assertThat(limits.tryEnter(1)).isFalse();
        for (int i = 0; i < 1000; i++) {
            assertThat(limits.tryEnter(2)).isTrue();
        }
        assertThat(limits.serving(2)).isEqualTo(1000);
        assertThat(limits.limit(2)).isEqualTo(ServingLimits.UNLIMITED);
        limits.limit(1, ServingLimits.UNLIMITED);
        assertThat(limits.tryEnter(1)).isTrue();
    }

    @Test
    void refusesALimitBelowOne() {
        ServingLimits limits = new ServingLimits();
        assertThatThrownBy(() -> limits.limit(1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
        assertThat(limits.limit(1)).isEqualTo(ServingLimits.UNLIMITED);
    }
}
