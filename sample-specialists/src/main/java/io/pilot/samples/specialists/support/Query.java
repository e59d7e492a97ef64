package io.pilot.samples.specialists.support;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The words of a search, matched case-insensitively as substrings: a text matches when it contains every
 * word, so {@code "quantum computer"} finds "on a Quantum Computer" and "computers for quantum chemistry".
 */
public final class Query {

    private final String text;
    private final List<String> words;

    private Query(String text, List<String> words) {
        this.text = text;
        this.words = words;
    }

    /** @param what what the caller should have sent, for the error message ("query", "topic") */
    public static Query parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new BadRequestException("a " + what + " is required, e.g. {\"" + what + "\":\"attention\"}");
        }
        String trimmed = text.strip();
        return new Query(trimmed, Arrays.asList(trimmed.toLowerCase(Locale.ROOT).split("\\s+")));
    }

    /** The query as the caller sent it, trimmed. */
    public String text() {
        return text;
    }

    /** Whether {@code text} contains every word. */
    public boolean matches(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return words.stream().allMatch(lower::contains);
    }

    /** Whether every word occurs in at least one of {@code texts}. */
    public boolean matchesAcross(Collection<String> texts) {
        List<String> lower = texts.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
        return words.stream().allMatch(word -> lower.stream().anyMatch(t -> t.contains(word)));
    }
}
