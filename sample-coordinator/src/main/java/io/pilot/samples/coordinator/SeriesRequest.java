package io.pilot.samples.coordinator;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What to stream from {@code fx.series.stream}, as the page asks for it ({@code GET /api/fx/series}), checked before
 * any specialist is asked: two three-letter currency codes and ISO dates. Whether the pair or the range is one the
 * specialist has rates for is its to say.
 *
 * @param base the base currency, upper case
 * @param quote the quoted currency, upper case
 * @param from the first day, or null for the data's first
 * @param to the last day, or null for the data's last
 */
record SeriesRequest(String base, String quote, @Nullable LocalDate from, @Nullable LocalDate to) {

    /** The request from the query's texts; throws {@link IllegalArgumentException} naming the field that is wrong. */
    static SeriesRequest of(String base, String quote, @Nullable String from, @Nullable String to) {
        return new SeriesRequest(currency("base", base), currency("quote", quote), date("from", from), date("to", to));
    }

    private static String currency(String field, String code) {
        String trimmed = code == null ? "" : code.strip();
        if (!trimmed.matches("[A-Za-z]{3}")) {
            throw new IllegalArgumentException("'" + field + "' must be a three-letter currency code like USD, was '" + trimmed + "'");
        }
        return trimmed.toUpperCase(Locale.ROOT);
    }

    private static @Nullable LocalDate date(String field, @Nullable String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "' must be a date like 2023-01-02, was '" + text.strip() + "'");
        }
    }
}
