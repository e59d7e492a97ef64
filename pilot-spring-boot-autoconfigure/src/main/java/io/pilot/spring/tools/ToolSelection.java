package io.pilot.spring.tools;

import io.pilot.engine.directory.Names;
import io.pilot.engine.directory.NodeRecord;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which of the mesh's capabilities are offered as tools: those of the agents in {@code groups} (every agent of the
 * realm when empty) whose names match one of the {@code include} patterns and none of the {@code exclude} ones.
 * A pattern is a capability name with {@code *} for any run of characters and {@code ?} for one: {@code papers.*},
 * {@code fx.rate}, {@code *.search}.
 *
 * @param groups the groups whose members' capabilities are offered; empty for every agent
 * @param include the patterns a capability must match one of; empty for none offered at all
 * @param exclude the patterns a capability must match none of
 */
public record ToolSelection(Set<String> groups, List<String> include, List<String> exclude) {

    /** Every capability of every agent. */
    public static final ToolSelection EVERYTHING = new ToolSelection(Set.of(), List.of("*"), List.of());

    /** @throws IllegalArgumentException naming the group or pattern that is not valid */
    public ToolSelection {
        groups = Set.copyOf(groups);
        groups.forEach(Names::checkGroup);
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        include.forEach(ToolSelection::regex);
        exclude.forEach(ToolSelection::regex);
    }

    /** Whether a capability of this name is offered (its agent being one selected). */
    public boolean offers(String capability) {
        return matchesAny(include, capability) && !matchesAny(exclude, capability);
    }

    /** Whether the agent of {@code record} is among those selected: a member of one of the groups, if any are given. */
    public boolean selects(NodeRecord record) {
        return groups.isEmpty() || record.groups().stream().anyMatch(groups::contains);
    }

    private static boolean matchesAny(List<String> patterns, String capability) {
        return patterns.stream().anyMatch(pattern -> regex(pattern).matcher(capability).matches());
    }

    /** A pattern as a regular expression; refused unless it is a capability name with wildcards. */
    private static Pattern regex(String pattern) {
        if (pattern == null || pattern.isEmpty() || pattern.length() > Names.MAX_CAPABILITY
                || !pattern.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                        || c == '-' || c == '*' || c == '?')) {
            throw new IllegalArgumentException("invalid tool pattern '" + pattern + "': use a capability name"
                    + " (lower-case letters, digits, '.', '_' and '-') with '*' for any characters and '?' for one");
        }
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '.' -> regex.append("\\.");
                default -> regex.append(c);
            }
        }
        return Pattern.compile(regex.toString());
    }
}
