package io.pilot.samples.fleet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** One trace's spans as an indented tree, children under their parents, each with its service and duration. */
final class TraceTree {

    private TraceTree() {
    }

    static String render(String traceId, List<TraceCollector.Span> spans) {
        Set<String> services = spans.stream().map(TraceCollector.Span::service).collect(Collectors.toCollection(TreeSet::new));
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "Trace %s: %d spans across %s%n", traceId,
                spans.size(), String.join(", ", services)));
        Set<String> ids = spans.stream().map(TraceCollector.Span::spanId).collect(Collectors.toSet());
        Map<String, List<TraceCollector.Span>> children = spans.stream()
                .collect(Collectors.groupingBy(span -> ids.contains(span.parentId()) ? span.parentId() : ""));
        List<TraceCollector.Span> roots = new ArrayList<>(children.getOrDefault("", List.of()));
        roots.sort(Comparator.comparingLong(TraceCollector.Span::startNanos));
        roots.forEach(root -> append(text, root, children, 1));
        return text.toString();
    }

    private static void append(StringBuilder text, TraceCollector.Span span, Map<String, List<TraceCollector.Span>> children,
            int depth) {
        String label = "  ".repeat(depth) + span.name();
        text.append(String.format(Locale.ROOT, "%-52s %-20s %8.1f ms%n", label, span.service(), span.millis()));
        List<TraceCollector.Span> below = new ArrayList<>(children.getOrDefault(span.spanId(), List.of()));
        below.sort(Comparator.comparingLong(TraceCollector.Span::startNanos));
        below.forEach(child -> append(text, child, children, depth + 1));
    }
}
