package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceiveCreditTests {

    private static final long INITIAL = TransportConfig.INITIAL_MAX_DATA;

    private final ReceiveCredit credit = new ReceiveCredit(INITIAL);

    @Test
    void growthIsAllowedUpToTheLimitOnTheSumOfHighestOffsets() {
        assertThat(credit.allows(INITIAL)).isTrue();
        assertThat(credit.allows(INITIAL + 1)).isFalse();
        credit.book(100, 0);
        assertThat(credit.allows(INITIAL - 100)).isTrue();
        assertThat(credit.allows(INITIAL - 99)).isFalse();
    }

    @Test
    void theLimitMovesAWindowPastConsumptionOnceLessThanHalfAWindowIsLeft() {
        credit.book(INITIAL / 2, INITIAL / 2);
        assertThat(credit.limit()).isEqualTo(INITIAL);
        assertThat(credit.maxDataPending()).isFalse();

        credit.book(1, 1);
        assertThat(credit.limit()).isEqualTo(INITIAL / 2 + 1 + INITIAL);
        assertThat(credit.maxDataPending()).isTrue();
        assertThat(credit.allows(INITIAL)).isTrue();
        credit.onMaxDataSent();
        assertThat(credit.maxDataPending()).isFalse();
    }

    @Test
    void aLostMaxDataIsResentOnlyIfItStillCarriesTheCurrentLimit() {
        credit.book(INITIAL / 2 + 1, INITIAL / 2 + 1);
        long first = credit.limit();
        credit.onMaxDataSent();
        credit.book(INITIAL, INITIAL);
        long second = credit.limit();
        credit.onMaxDataSent();
        assertThat(second).isGreaterThan(first);

        credit.onMaxDataLost(first);
        assertThat(credit.maxDataPending()).isFalse();
        credit.onMaxDataLost(second);
        assertThat(credit.maxDataPending()).isTrue();
    }
}
