package io.pilot.samples.specialists.fx;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import java.math.BigDecimal;
import java.time.LocalDate;

import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Profile;

/** The fx specialist: answers from the ECB's euro reference rates. Dates are ISO ({@code 2023-01-16}). */
@Profile("fx")
@PilotAgent(groups = "RESEARCH")
public class FxAgent {

    /** {@code {"base":"USD","quote":"JPY","date":"2023-01-16"}}; no date: the latest. */
    public record RateRequest(String base, String quote, @Nullable LocalDate date) {
    }

    /** {@code {"amount":100,"from":"EUR","to":"GBP","date":…}}; no date: the latest. */
    public record ConvertRequest(BigDecimal amount, String from, String to, @Nullable LocalDate date) {
    }

    /** {@code {"base":"EUR","quote":"USD","from":"2023-01-02","to":"2023-01-31"}}; no from/to: the whole data. */
    public record SeriesRequest(String base, String quote, @Nullable LocalDate from, @Nullable LocalDate to) {
    }

    private final ReferenceRates rates;

    public FxAgent(ReferenceRates rates) {
        this.rates = rates;
    }

    @Capability(value = "fx.rate", description = "the reference rate of a currency pair on a date, crossed through EUR")
    public Rate rate(RateRequest request) {
        return rates.rate(request.base(), request.quote(), request.date());
    }

    @Capability(value = "fx.convert", description = "an amount converted at the reference rate of a date")
    public Conversion convert(ConvertRequest request) {
        return rates.convert(request.amount(), request.from(), request.to(), request.date());
    }

    @Capability(value = "fx.series", description = "the daily reference rates of a currency pair over a date range")
    public Series series(SeriesRequest request) {
        return rates.series(request.base(), request.quote(), request.from(), request.to());
    }
}
