package io.pilot.samples.specialists.papers;

import java.util.List;

/**
 * A paper as the papers specialist answers with it: {@code citedBy} counts the papers of the index that cite
 * it, {@code references} are the DOIs of the papers of the index it cites.
 */
public record Citation(String doi, String title, List<String> authors, int year, String venue, int citedBy,
        List<String> references) {
}
