package io.pilot.samples.coordinator;

import java.util.List;

/**
 * What to research.
 *
 * @param topic searched in papers and news; required
 * @param currencies quoted against {@code base} by the fx specialist; default USD, GBP, JPY
 * @param base the base currency; default EUR
 * @param limit most papers and news items; default 5
 * @param broadcast whether to tell the {@code RESEARCH} group about the request; default true
 */
public record ResearchRequest(String topic, List<String> currencies, String base, Integer limit, Boolean broadcast) {

    static final List<String> DEFAULT_CURRENCIES = List.of("USD", "GBP", "JPY");
    static final int MAX_LIMIT = 50;
    static final int MAX_CURRENCIES = 10;

    /** The request with defaults filled in; throws {@link IllegalArgumentException} saying what is wrong. */
    ResearchRequest validated() {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic is required, e.g. {\"topic\":\"attention\"}");
        }
        if (topic.length() > 200) {
            throw new IllegalArgumentException("topic is longer than 200 characters");
        }
        int checkedLimit = limit == null ? 5 : limit;
        if (checkedLimit < 1 || checkedLimit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit);
        }
        List<String> quotes = currencies == null ? DEFAULT_CURRENCIES : currencies;
        if (quotes.size() > MAX_CURRENCIES) {
            throw new IllegalArgumentException("at most " + MAX_CURRENCIES + " currencies, got " + quotes.size());
        }
        return new ResearchRequest(topic.strip(), quotes, base == null || base.isBlank() ? "EUR" : base, checkedLimit,
                broadcast == null || broadcast);
    }
}
