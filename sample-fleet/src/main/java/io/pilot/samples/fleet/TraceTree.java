package io.pilot.samples.fleet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One trace's spans as a tree, children under their parents in the order they started: as indented text for the
 * terminal ({@code bin/demo --trace}) and as {@link Row}s for the page ({@link TraceJson}).
 */
final class TraceTree {

    private TraceTree() {
    }

    /**
     * A span at its place in the tree.
     *
     * @param span the span
     * @param depth 0 for a root, 1 for its children, …
     */
    record Row(TraceCollector.Span span, int depth) {
    }

    /** The spans depth first, roots and siblings by start time; a span whose parent is not among them is a root. */
    static List<Row> rows(List<TraceCollector.Span> spans) {
        Set<String> ids = spans.stream().map(TraceCollector.Span::spanId).collect(Collectors.toSet());
        Map<String, List<TraceCollector.Span>> children = spans.stream()
                .collect(Collectors.groupingBy(span -> ids.contains(span.parentId()) ? span.parentId() : ""));
        List<Row> rows = new ArrayList<>();
        appendChildren(rows, "", children, 0);
        return rows;
    }

    /** The services that recorded spans of the trace, sorted. */
    static Set<String> services(List<TraceCollector.Span> spans) {
        return spans.stream().map(TraceCollector.Span::service).collect(Collectors.toCollection(TreeSet::new));
    }

    static String render(String traceId, List<TraceCollector.Span> spans) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "Trace %s: %d spans across %s%n", traceId,
                spans.size(), String.join(", ", services(spans))));
        for (Row row : rows(spans)) {
            String label = "  ".repeat(row.depth() + 1) + row.span().name();
            text.append(String.format(Locale.ROOT, "%-52s %-20s %8.1f ms%n", label, row.span().service(), row.span().millis()));
        }
        return text.toString();
    }

    private static void appendChildren(List<Row> rows, String parentId, Map<String, List<TraceCollector.Span>> children,
            int depth) {
        List<TraceCollector.Span> below = new ArrayList<>(children.getOrDefault(parentId, List.of()));
        below.sort(Comparator.comparingLong(TraceCollector.Span::startNanos));
        for (TraceCollector.Span span : below) {
            rows.add(new Row(span, depth));
            appendChildren(rows, span.spanId(), children, depth + 1);
        }
    }
}
