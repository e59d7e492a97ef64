package io.pilot.samples.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

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
            List<String> lines = part.error() != null ? List.of(part.error()) : summary(part.capability(), part.result());
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

    private static List<String> summary(String capability, JsonNode result) {
        List<String> lines = new ArrayList<>();
        switch (capability) {
            case "papers.search" -> result.path("results").forEach(paper -> lines.add(String.format(Locale.ROOT,
                    "%s (%d) · cited by %d", paper.path("title").asString(), paper.path("year").asInt(),
                    paper.path("citedBy").asInt())));
            case "news.search" -> result.path("items").forEach(item -> lines.add(item.path("title").asString() + " · "
                    + item.path("feed").asString()));
            case "fx.rate" -> lines.add(String.format(Locale.ROOT, "1 %s = %s %s (%s)", result.path("base").asString(),
                    result.path("rate").asString(), result.path("quote").asString(), result.path("date").asString()));
            default -> lines.add(result.toString());
        }
        return lines;
    }
}
