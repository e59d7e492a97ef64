package io.pilot.samples.coordinator;

import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the deterministic planner reads a question when no language model is configured: the currency codes written in
 * capitals ({@code USD}, {@code JPY}) are the rates to ask, the other words less the common ones the topic of the
 * papers and news to search. {@code "What is new on attention, in USD and JPY?"} is the topic {@code attention} and
 * the currencies USD and JPY.
 *
 * @param topic the papers' and news' topic
 * @param currencies the currencies to quote against EUR, in the order written
 */
record QuestionPlan(String topic, List<String> currencies) {

    static final int MAX_QUESTION = 500;

    private static final Set<String> CODES = Currency.getAvailableCurrencies().stream().map(Currency::getCurrencyCode)
            .collect(Collectors.toSet());

    /** Words that say how a question is asked, not what it is about. */
    private static final Set<String> COMMON = Set.of("a", "about", "an", "and", "any", "are", "at", "by", "can", "do",
            "does", "find", "for", "from", "give", "how", "i", "in", "is", "latest", "me", "much", "new", "news", "of",
            "on", "or", "paper", "papers", "please", "rate", "rates", "recent", "say", "show", "tell", "the", "there",
            "to", "today", "us", "what", "whats", "which", "who", "with", "worth", "eur");

    /** @throws IllegalArgumentException if the question is empty, too long, or holds no topic */
    static QuestionPlan of(String question) {
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("q is required, e.g. /api/ask?q=attention in USD");
        }
        if (question.length() > MAX_QUESTION) {
            throw new IllegalArgumentException("q is longer than " + MAX_QUESTION + " characters");
        }
        Set<String> currencies = new LinkedHashSet<>();
        List<String> topic = new ArrayList<>();
        for (String word : question.split("[^\\p{L}\\p{N}-]+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (word.length() == 3 && word.equals(word.toUpperCase(Locale.ROOT)) && CODES.contains(word) && !word.equals("EUR")) {
                currencies.add(word);
            } else if (!COMMON.contains(word.toLowerCase(Locale.ROOT).replace("-", ""))) {
                topic.add(word.toLowerCase(Locale.ROOT));
            }
        }
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("the question names no topic to search: ask e.g. 'attention in USD'");
        }
        return new QuestionPlan(String.join(" ", topic), List.copyOf(currencies));
    }
}
