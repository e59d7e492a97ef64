package io.pilot.samples.specialists.papers;

import java.util.List;

/** The answer to {@code papers.cited-by}: the papers of the index that cite {@code doi}, newest first. */
public record CitingPapers(String doi, List<Citation> citedBy) {
}
