package io.pilot.samples.specialists.fx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.samples.specialists.support.DataException;

import java.math.BigDecimal;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;

class EcbRatesTests {

    @Test
    void theBundledFileHoldsMoreThanSixtyBusinessDaysOfThirtyCurrencies() {
        ReferenceRates rates = EcbRates.load(EcbRates.BUNDLED);

        assertThat(rates.first()).isEqualTo("2022-09-01");
        assertThat(rates.last()).isEqualTo("2023-02-21");
        assertThat(rates.series("EUR", "USD", null, null).points()).hasSize(123);
        assertThat(rates.currencies()).hasSize(31).contains("EUR", "USD", "JPY", "GBP", "CHF", "CNY", "INR", "ZAR");
    }

    @Test
    void readsEveryDayInTheEcbLayoutWhateverTheirOrder() {
        ReferenceRates rates = EcbRates.load("fx/two-days.xml");

        assertThat(rates.first()).isEqualTo("2024-01-02");
        assertThat(rates.rate("EUR", "USD", LocalDate.parse("2024-01-02")).rate()).isEqualTo(new BigDecimal("1.0956"));
        assertThat(rates.rate("EUR", "USD", null).rate()).isEqualTo(new BigDecimal("1.0919"));
    }

    @Test
    void aCurrencyMissingOnTheDayIsRefusedSayingSo() {
        ReferenceRates rates = EcbRates.load("fx/two-days.xml");

        assertThatThrownBy(() -> rates.rate("SEK", "USD", LocalDate.parse("2024-01-03")))
                .hasMessage("the ECB published no SEK rate for 2024-01-03");
    }

    @Test
    void aCrossRateThatComesOutRoundIsWrittenPlainly() {
        BigDecimal rate = EcbRates.load("fx/round-cross.xml").rate("CHF", "JPY", null).rate();

        assertThat(rate.toString()).isEqualTo("100");
    }

    @Test
    void badFilesFailNamingTheFileAndTheProblem() {
        assertThatThrownBy(() -> EcbRates.load("fx/negative-rate.xml")).isInstanceOf(DataException.class)
                .hasMessage("fx/negative-rate.xml: 2024-01-02: the USD rate '-1.0956' is not a positive number");
        assertThatThrownBy(() -> EcbRates.load("fx/same-day-twice.xml")).isInstanceOf(DataException.class)
                .hasMessage("fx/same-day-twice.xml: two sets of rates for 2024-01-02");
        assertThatThrownBy(() -> EcbRates.load("fx/not-ecb.xml")).isInstanceOf(DataException.class)
                .hasMessageStartingWith("fx/not-ecb.xml: no <Cube time=\"...\"> elements in the ECB namespace");
    }
}
