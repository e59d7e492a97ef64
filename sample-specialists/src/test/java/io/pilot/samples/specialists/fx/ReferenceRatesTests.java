package io.pilot.samples.specialists.fx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.samples.specialists.support.BadRequestException;

import java.math.BigDecimal;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;

/** Against the bundled ECB rates: the expected figures are the ECB's own for those days. */
class ReferenceRatesTests {

    private static final ReferenceRates rates = EcbRates.load(EcbRates.BUNDLED);

    private static final LocalDate LAST = LocalDate.parse("2023-02-21");

    @Test
    void againstTheEuroTheRateIsTheEcbsAsPublished() {
        Rate rate = rates.rate("EUR", "USD", LAST);

        assertThat(rate).isEqualTo(new Rate("EUR", "USD", LAST, LAST, new BigDecimal("1.0664"),
                "ECB euro foreign exchange reference rates"));
    }

    @Test
    void otherPairsAreCrossedThroughTheEuroToSixSignificantDigits() {
        Rate rate = rates.rate("USD", "JPY", LAST);

        assertThat(rate.rate()).isEqualTo(new BigDecimal("134.809")); // 143.76 / 1.0664
        assertThat(rate.source()).isEqualTo("ECB euro foreign exchange reference rates, crossed through EUR");
        assertThat(rates.rate("USD", "EUR", LAST).rate()).isEqualTo(new BigDecimal("0.937734"));
        assertThat(rates.rate("GBP", "GBP", LAST).rate()).isEqualTo(BigDecimal.ONE);
    }

    @Test
    void withoutADateTheLatestBusinessDayAnswers() {
        Rate rate = rates.rate("usd", " jpy ", null);

        assertThat(rate.date()).isEqualTo(LAST);
        assertThat(rate.requestedDate()).isNull();
        assertThat(rate.base()).isEqualTo("USD");
        assertThat(rate.quote()).isEqualTo("JPY");
    }

    @Test
    void aWeekendOrHolidayTakesTheLatestEarlierBusinessDay() {
        Rate saturday = rates.rate("EUR", "GBP", LocalDate.parse("2023-01-14"));
        assertThat(saturday.date()).isEqualTo("2023-01-13");
        assertThat(saturday.requestedDate()).isEqualTo("2023-01-14");
        assertThat(saturday.rate()).isEqualTo(new BigDecimal("0.888"));

        Rate boxingDay = rates.rate("EUR", "USD", LocalDate.parse("2022-12-26"));
        assertThat(boxingDay.date()).isEqualTo("2022-12-23");
        assertThat(boxingDay.rate()).isEqualTo(new BigDecimal("1.0622"));
    }

    @Test
    void anUnknownCurrencyIsNamedWithItsFieldAndTheKnownOnes() {
        assertThatThrownBy(() -> rates.rate("USD", "XYZ", null)).isInstanceOf(BadRequestException.class)
                .hasMessageStartingWith("'quote': unknown currency XYZ; known: AUD, BGN, BRL, CAD, CHF, CNY, CZK, DKK, EUR, GBP,")
                .hasMessageEndingWith("USD, ZAR");
        assertThatThrownBy(() -> rates.rate(null, "USD", null)).isInstanceOf(BadRequestException.class)
                .hasMessage("'base' is required: a currency, e.g. \"USD\"");
        assertThatThrownBy(() -> rates.convert(BigDecimal.ONE, "EUR", "XYZ", null)).hasMessageStartingWith("'to': unknown currency XYZ;");
        assertThatThrownBy(() -> rates.series("XYZ", "USD", null, null)).hasMessageStartingWith("'base': unknown currency XYZ;");
    }

    @Test
    void aDateOutsideTheDataIsRefusedWithTheCoveredRange() {
        assertThatThrownBy(() -> rates.rate("USD", "JPY", LocalDate.parse("2024-03-15"))).isInstanceOf(BadRequestException.class)
                .hasMessage("no reference rates for 2024-03-15: the data covers 2022-09-01 to 2023-02-21");
        assertThatThrownBy(() -> rates.rate("USD", "JPY", LocalDate.parse("2022-08-31")))
                .hasMessage("no reference rates for 2022-08-31: the data covers 2022-09-01 to 2023-02-21");
    }

    @Test
    void convertsAtTheRateRoundingToTheTargetsMinorUnit() {
        Conversion pounds = rates.convert(new BigDecimal("100"), "EUR", "GBP", null);
        assertThat(pounds).isEqualTo(new Conversion(new BigDecimal("100"), "EUR", "GBP", LAST, new BigDecimal("0.87925"),
                new BigDecimal("87.93")));

        Conversion yen = rates.convert(new BigDecimal("1000"), "USD", "JPY", LocalDate.parse("2023-02-19"));
        assertThat(yen.date()).isEqualTo("2023-02-17");
        assertThat(yen.result().scale()).isZero();
        assertThat(rates.convert(BigDecimal.ZERO, "EUR", "USD", null).result()).isEqualTo(new BigDecimal("0.00"));
    }

    @Test
    void aNegativeOrMissingAmountIsRefused() {
        assertThatThrownBy(() -> rates.convert(new BigDecimal("-5"), "EUR", "GBP", null)).isInstanceOf(BadRequestException.class)
                .hasMessage("amount must not be negative, was -5");
        assertThatThrownBy(() -> rates.convert(null, "EUR", "GBP", null)).isInstanceOf(BadRequestException.class)
                .hasMessageStartingWith("an amount is required");
    }

    @Test
    void aSeriesHasEveryBusinessDayOfTheRangeOldestFirst() {
        Series series = rates.series("EUR", "USD", LocalDate.parse("2022-12-22"), LocalDate.parse("2022-12-28"));

        assertThat(series.base()).isEqualTo("EUR");
        assertThat(series.points()).extracting(Series.Point::date).extracting(LocalDate::toString)
                .containsExactly("2022-12-22", "2022-12-23", "2022-12-27", "2022-12-28");
        assertThat(series.points().get(1).rate()).isEqualTo(new BigDecimal("1.0622"));
        assertThat(rates.series("USD", "CHF", LocalDate.parse("2022-12-24"), LocalDate.parse("2022-12-26")).points()).isEmpty();
    }

    @Test
    void thePointsOfASeriesAreItsPointsAndARefusalComesBeforeAnyIsTaken() {
        assertThat(rates.points("USD", "JPY", LocalDate.parse("2022-12-22"), LocalDate.parse("2022-12-28")).toList())
                .isEqualTo(rates.series("USD", "JPY", LocalDate.parse("2022-12-22"), LocalDate.parse("2022-12-28")).points());
        assertThatThrownBy(() -> rates.points("EUR", "XYZ", null, null)).isInstanceOf(BadRequestException.class)
                .hasMessageStartingWith("'quote': unknown currency XYZ;");
        assertThatThrownBy(() -> rates.points("EUR", "USD", LocalDate.parse("2023-01-31"), LocalDate.parse("2023-01-02")))
                .hasMessage("from 2023-01-31 is after to 2023-01-02");
    }

    @Test
    void aSeriesRangeMustRunForwardInsideTheData() {
        assertThatThrownBy(() -> rates.series("EUR", "USD", LocalDate.parse("2023-01-31"), LocalDate.parse("2023-01-02")))
                .isInstanceOf(BadRequestException.class).hasMessage("from 2023-01-31 is after to 2023-01-02");
        assertThatThrownBy(() -> rates.series("EUR", "USD", LocalDate.parse("2020-01-01"), null))
                .hasMessageEndingWith("the data covers 2022-09-01 to 2023-02-21");
    }
}
