package io.pilot.engine.directory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A search of the directory by skill (A2A's word for a capability): a capability name, or a glob over names where
 * {@code *} stands for any run of characters ({@code papers.*}, {@code *citation*}), optionally narrowed to those
 * whose description holds every one of some words (case-insensitive). Checked when made: a pattern of characters no
 * capability name has is refused with the rule, so a typo is not a silent empty answer.
 */
public final class SkillSearch {

    private final String pattern;
    private final Pattern names;
    private final List<String> words;

    private SkillSearch(String pattern, List<String> words) {
        this.pattern = pattern;
        this.names = Pattern.compile(Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote)
                .reduce((a, b) -> a + ".*" + b).orElse(""));
        this.words = words;
    }

    /**
     * @param pattern a capability name, or a glob with {@code *}
     * @param description words that must all appear in the description; null or blank for any
     * @throws IllegalArgumentException for a pattern with characters outside a capability name's and {@code *}
     */
    public static SkillSearch of(String pattern, String description) {
        if (pattern == null || pattern.isEmpty() || pattern.length() > Names.MAX_CAPABILITY
                || !pattern.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                        || c == '.' || c == '_' || c == '-' || c == '*')) {
            throw new IllegalArgumentException("invalid skill pattern '" + pattern + "': use 1-" + Names.MAX_CAPABILITY
                    + " lower-case letters, digits, '.', '_', '-', and '*' for any run of them (e.g. papers.*)");
        }
        List<String> words = description == null || description.isBlank() ? List.of()
                : Arrays.stream(description.toLowerCase(Locale.ROOT).trim().split("\\s+")).toList();
        return new SkillSearch(pattern, words);
    }

    /** The name asked for, when the pattern is one name (the directory then answers from its index). */
    Optional<String> exactName() {
        return pattern.indexOf('*') < 0 ? Optional.of(pattern) : Optional.empty();
    }

    /** Every skill of these records that the search selects, one per provider and capability, in name order. */
    List<Skill> select(List<NodeRecord> records) {
        List<Skill> found = new ArrayList<>();
        for (NodeRecord record : records) {
            for (CapabilityInfo capability : record.capabilities()) {
                String description = capability.description().orElse("");
                String lower = description.toLowerCase(Locale.ROOT);
                if (names.matcher(capability.name()).matches() && words.stream().allMatch(lower::contains)) {
                    found.add(new Skill(capability.name(), description, capability.hasSchema(), record));
                }
            }
        }
        found.sort((a, b) -> a.name().equals(b.name()) ? a.provider().hostname().compareTo(b.provider().hostname())
                : a.name().compareTo(b.name()));
        return found;
    }

    @Override
    public String toString() {
        return words.isEmpty() ? pattern : pattern + " about '" + String.join(" ", words) + "'";
    }

    /** A skill a provider offers: its capability name, its description ("" if none), whether it publishes schemas. */
    public record Skill(String name, String description, boolean hasSchema, NodeRecord provider) {
    }
}
