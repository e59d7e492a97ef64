package io.pilot.samples.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A {@link ResearchAnswer} as a few aligned lines of text, for terminals ({@code Accept: text/plain}, bin/demo). */
final class AnswerText {

    private AnswerText() {
    }

    static String render(ResearchAnswer answer) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Research \"%s\": %d parts in %.1f ms%s%n", answer.topic(),
                answer.parts().size(), answer.millis(), answer.traceId() == null ? "" : " · trace " + answer.traceId()));
        for (ResearchPart part : answer.parts()) {
            String mark = part.error() == null ? "✓" : "✗";
            text.append(String.format(Locale.ROOT, "  %s %-16s %-20s %-8s %8.1f ms  ", mark, part.capability(),
                    part.agent() == null ? "-" : part.agent(), part.path(), part.millis()));
            List<String> lines = part.error() != null ? List.of(part.error()) : summary(part.result());
            text.append(lines.isEmpty() ? "(nothing found)" : lines.get(0)).append(System.lineSeparator());
            lines.stream().skip(1).forEach(line -> text.append(" ".repeat(65)).append(line).append(System.lineSeparator()));
        }
        if (answer.broadcast() != null) {
            text.append(String.format("Told %s: %s%n", answer.broadcast().group(),
                    answer.broadcast().delivered().isEmpty() ? "nobody" : String.join(", ", answer.broadcast().delivered())));
            answer.broadcast().failed().forEach(f -> text.append("  not reached: ").append(f).append(System.lineSeparator()));
        }
        return text.toString();
    }

    private static List<String> summary(Object result) {
        List<String> lines = new ArrayList<>();
        if (result instanceof Papers.Found found) {
            found.results().forEach(paper -> lines.add(String.format(Locale.ROOT, "%s (%d) · cited by %d", paper.title(),
                    paper.year(), paper.citedBy())));
        } else if (result instanceof News.Found found) {
            found.items().forEach(item -> lines.add(item.title() + " · " + item.feed()));
        } else if (result instanceof Fx.Rate rate) {
            lines.add(String.format(Locale.ROOT, "1 %s = %s %s (%s)", rate.base(), rate.rate().toPlainString(), rate.quote(),
                    rate.date()));
        } else {
            lines.add(String.valueOf(result));
        }
        return lines;
    }
}
