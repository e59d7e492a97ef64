package io.pilot.samples.fleet;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A trace as the collector's query API answers it ({@code GET /traces/{traceId}}), for the coordinator's page:
 * <pre>{"traceId":"…","services":["coordinator",…],
 *  "spans":[{"spanId":"…","parentId":"…","service":"…","name":"…","depth":0,"startMillis":0.0,"millis":12.5},…]}</pre>
 * the spans depth first as {@link TraceTree#rows} orders them, {@code startMillis} from the trace's first start.
 * Written by hand: this module has no JSON library at run time, and the shape is this small.
 */
final class TraceJson {

    private TraceJson() {
    }

    static String write(String traceId, List<TraceCollector.Span> spans) {
        long first = spans.stream().mapToLong(TraceCollector.Span::startNanos).min().orElse(0);
        String rows = TraceTree.rows(spans).stream().map(row -> {
            TraceCollector.Span span = row.span();
            return String.format(Locale.ROOT,
                    "{\"spanId\":%s,\"parentId\":%s,\"service\":%s,\"name\":%s,\"depth\":%d,\"startMillis\":%.3f,\"millis\":%.3f}",
                    string(span.spanId()), string(span.parentId()), string(span.service()), string(span.name()), row.depth(),
                    (span.startNanos() - first) / 1e6, span.millis());
        }).collect(Collectors.joining(","));
        String services = TraceTree.services(spans).stream().map(TraceJson::string).collect(Collectors.joining(","));
        return "{\"traceId\":" + string(traceId) + ",\"services\":[" + services + "],\"spans\":[" + rows + "]}";
    }

    /** A JSON string: quotes, backslashes and control characters escaped. */
    static String string(String value) {
        StringBuilder json = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
