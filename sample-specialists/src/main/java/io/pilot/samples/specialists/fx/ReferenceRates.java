package io.pilot.samples.specialists.fx;

import io.pilot.samples.specialists.support.BadRequestException;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Collections;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The fx specialist's knowledge: euro reference rates per business day. Any pair is crossed through the euro,
 * as the ECB's rates are all against it; a day without rates (weekend, TARGET holiday) takes the latest
 * earlier business day's, as the ECB's own usage notes advise.
 */
public final class ReferenceRates {

    static final String SOURCE = "ECB euro foreign exchange reference rates";

    /** Crossed rates keep six significant digits: the ECB publishes five or six, more would be false precision. */
    private static final MathContext CROSS = new MathContext(6, RoundingMode.HALF_EVEN);

    private static final String EUR = "EUR";

    private final NavigableMap<LocalDate, Map<String, BigDecimal>> days;
    private final SortedSet<String> currencies;

    ReferenceRates(Map<LocalDate, Map<String, BigDecimal>> days) {
        this.days = new TreeMap<>(days);
        SortedSet<String> currencies = new TreeSet<>(Set.of(EUR));
        days.values().forEach(rates -> currencies.addAll(rates.keySet()));
        this.currencies = Collections.unmodifiableSortedSet(currencies);
    }

    public LocalDate first() {
        return days.firstKey();
    }

    public LocalDate last() {
        return days.lastKey();
    }

    /** Every currency with a rate, the euro included. */
    public SortedSet<String> currencies() {
        return currencies;
    }

    /** {@code fx.rate}: {@code date} null means the latest. */
    public Rate rate(String base, String quote, LocalDate date) {
        return rate(base, "base", quote, "quote", date);
    }

    /** @param baseField, quoteField the request's fields that hold the currencies, for a refusal to name */
    private Rate rate(String base, String baseField, String quote, String quoteField, LocalDate date) {
        String from = currency(base, baseField);
        String to = currency(quote, quoteField);
        Map.Entry<LocalDate, Map<String, BigDecimal>> day = day(date);
        return new Rate(from, to, day.getKey(), date, cross(day, from, to), source(from, to));
    }

    /** {@code fx.convert}: the result is rounded half up to the minor unit of {@code to} (cents; none for yen). */
    public Conversion convert(BigDecimal amount, String from, String to, LocalDate date) {
        if (amount == null) {
            throw new BadRequestException("an amount is required, e.g. {\"amount\":100,\"from\":\"EUR\",\"to\":\"GBP\"}");
        }
        if (amount.signum() < 0) {
            throw new BadRequestException("amount must not be negative, was " + amount.toPlainString());
        }
        Rate rate = rate(from, "from", to, "to", date);
        BigDecimal result = amount.multiply(rate.rate()).setScale(minorUnits(rate.quote()), RoundingMode.HALF_UP);
        return new Conversion(amount, rate.base(), rate.quote(), rate.date(), rate.rate(), result);
    }

    /** {@code fx.series}: every business day from {@code from} to {@code to}; null bounds mean the whole data. */
    public Series series(String base, String quote, LocalDate from, LocalDate to) {
        SeriesRange range = range(base, quote, from, to);
        return new Series(range.base(), range.quote(), range.points().toList());
    }

    /**
     * {@code fx.series.stream}: the points of {@link #series}, oldest first, each crossed only when it is taken (a
     * streamed reply takes them as its caller asks). The request is checked at once: a refusal comes before any point.
     */
    public Stream<Series.Point> points(String base, String quote, LocalDate from, LocalDate to) {
        return range(base, quote, from, to).points();
    }

    /** A checked series request: the pair and the business days it covers. */
    private record SeriesRange(String base, String quote, NavigableMap<LocalDate, Map<String, BigDecimal>> days) {

        Stream<Series.Point> points() {
            return days.entrySet().stream().map(day -> new Series.Point(day.getKey(), cross(day, base, quote)));
        }
    }

    private SeriesRange range(String base, String quote, LocalDate from, LocalDate to) {
        String fromCurrency = currency(base, "base");
        String toCurrency = currency(quote, "quote");
        LocalDate start = from == null ? first() : covered(from);
        LocalDate end = to == null ? last() : covered(to);
        if (start.isAfter(end)) {
            throw new BadRequestException("from " + start + " is after to " + end);
        }
        return new SeriesRange(fromCurrency, toCurrency, days.subMap(start, true, end, true));
    }

    private Map.Entry<LocalDate, Map<String, BigDecimal>> day(LocalDate date) {
        return date == null ? days.lastEntry() : days.floorEntry(covered(date));
    }

    private LocalDate covered(LocalDate date) {
        if (date.isBefore(first()) || date.isAfter(last())) {
            throw new BadRequestException("no reference rates for " + date + ": the data covers " + first() + " to " + last());
        }
        return date;
    }

    /** @param field the request's field that holds {@code code}, named when it is refused */
    private String currency(String code, String field) {
        if (code == null || code.isBlank()) {
            throw new BadRequestException("'" + field + "' is required: a currency, e.g. \"USD\"");
        }
        String currency = code.strip().toUpperCase(Locale.ROOT);
        if (!currencies.contains(currency)) {
            throw new BadRequestException("'" + field + "': unknown currency " + code.strip() + "; known: "
                    + String.join(", ", currencies));
        }
        return currency;
    }

    private static BigDecimal cross(Map.Entry<LocalDate, Map<String, BigDecimal>> day, String base, String quote) {
        if (base.equals(quote)) {
            return BigDecimal.ONE;
        }
        BigDecimal quoteRate = euroRate(day, quote);
        if (base.equals(EUR)) {
            return quoteRate; // exact as published: dividing by one would round it to six digits
        }
        BigDecimal crossed = quoteRate.divide(euroRate(day, base), CROSS);
        // A quotient that comes out round (143.76 / 1.4376) would otherwise read 1E+2.
        return crossed.scale() < 0 ? crossed.setScale(0) : crossed;
    }

    private static BigDecimal euroRate(Map.Entry<LocalDate, Map<String, BigDecimal>> day, String currency) {
        if (currency.equals(EUR)) {
            return BigDecimal.ONE;
        }
        BigDecimal rate = day.getValue().get(currency);
        if (rate == null) {
            throw new BadRequestException("the ECB published no " + currency + " rate for " + day.getKey());
        }
        return rate;
    }

    private static String source(String base, String quote) {
        return base.equals(EUR) || quote.equals(EUR) || base.equals(quote) ? SOURCE : SOURCE + ", crossed through EUR";
    }

    private static int minorUnits(String currency) {
        try {
            int digits = Currency.getInstance(currency).getDefaultFractionDigits();
            return digits < 0 ? 2 : digits;
        } catch (IllegalArgumentException notIso) {
            return 2;
        }
    }
}
