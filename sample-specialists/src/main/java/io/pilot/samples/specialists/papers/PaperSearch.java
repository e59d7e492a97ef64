package io.pilot.samples.specialists.papers;

import java.util.List;

/** The answer to {@code papers.search}: how many papers match, and the best {@code limit} of them. */
public record PaperSearch(String query, int total, List<Citation> results) {
}
