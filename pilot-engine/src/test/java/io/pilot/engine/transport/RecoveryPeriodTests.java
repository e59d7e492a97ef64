package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecoveryPeriodTests {

    @Test
    void coversNothingBeforeTheFirstLoss() {
        RecoveryPeriod period = new RecoveryPeriod();
        assertThat(period.covers(0)).isFalse();
        assertThat(period.covers(Long.MIN_VALUE)).isFalse();
    }

    @Test
    void aLossStartsAPeriodCoveringWhatWasSentUpToItsStart() {
        RecoveryPeriod period = new RecoveryPeriod();
        assertThat(period.onLoss(100, 500)).isTrue();
        assertThat(period.covers(100)).isTrue();
        assertThat(period.covers(500)).isTrue();
        assertThat(period.covers(501)).isFalse();
    }

    @Test
    void aLossOfAPacketSentBeforeThePeriodBelongsToIt() {
        RecoveryPeriod period = new RecoveryPeriod();
        period.onLoss(100, 500);
        assertThat(period.onLoss(400, 600)).isFalse();
        assertThat(period.covers(550)).as("the period did not move").isFalse();
    }

    @Test
    void aLossOfAPacketSentAfterThePeriodBeganStartsTheNext() {
        RecoveryPeriod period = new RecoveryPeriod();
        period.onLoss(100, 500);
        assertThat(period.onLoss(501, 900)).isTrue();
        assertThat(period.covers(800)).isTrue();
    }

    @Test
    void endingThePeriodUncoversEverything() {
        RecoveryPeriod period = new RecoveryPeriod();
        period.onLoss(100, 500);
        period.end();
        assertThat(period.covers(100)).isFalse();
        assertThat(period.onLoss(200, 700)).isTrue();
    }

    @Test
    void comparesSendTimesAcrossTheWrapOfTheNanosecondClock() {
        RecoveryPeriod period = new RecoveryPeriod();
        period.onLoss(Long.MAX_VALUE - 10, Long.MAX_VALUE - 5);
        assertThat(period.covers(Long.MAX_VALUE - 6)).isTrue();
        assertThat(period.covers(Long.MIN_VALUE + 5)).as("sent after the wrap, so after the start").isFalse();
    }
}
