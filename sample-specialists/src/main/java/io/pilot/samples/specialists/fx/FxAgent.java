package io.pilot.samples.specialists.fx;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Profile;

/**
 * The fx specialist: answers from the ECB's euro reference rates. Dates are ISO ({@code 2023-01-16}). A currency it
 * does not know is refused (INVALID_ARGUMENT) naming the field that holds it.
 */
@Profile("fx")
@PilotAgent(groups = "RESEARCH")
public class FxAgent {

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

    /**
     * {@code {"base":"USD","quote":"JPY","date":"2023-01-16"}}, each field a parameter (the same JSON a record of the
     * three would take); no date: the latest.
     */
    @Capability(value = "fx.rate", description = "the reference rate of a currency pair on a date, crossed through EUR")
    public Rate rate(String base, String quote, @Nullable LocalDate date) {
        return rates.rate(base, quote, date);
    }

    @Capability(value = "fx.convert", description = "an amount converted at the reference rate of a date")
    public Conversion convert(ConvertRequest request) {
        return rates.convert(request.amount(), request.from(), request.to(), request.date());
    }

    @Capability(value = "fx.series", description = "the daily reference rates of a currency pair over a date range")
    public Series series(SeriesRequest request) {
        return rates.series(request.base(), request.quote(), request.from(), request.to());
    }

    /**
     * The points of {@code fx.series} as a streamed reply, one item per business day, oldest first: the caller draws
     * them as they come, and each is crossed only when the caller's credit asks for it. {@code {"base":"EUR",
     * "quote":"USD","from":…,"to":…}}, each field a parameter; no from/to: the whole data. A pair or range it cannot
     * serve is refused (INVALID_ARGUMENT) before the first point.
     */
    @Capability(value = "fx.series.stream", description = "the daily reference rates of a currency pair, streamed oldest first")
    public Stream<Series.Point> seriesStream(String base, String quote, @Nullable LocalDate from, @Nullable LocalDate to) {
        return rates.points(base, quote, from, to);
    }
}
