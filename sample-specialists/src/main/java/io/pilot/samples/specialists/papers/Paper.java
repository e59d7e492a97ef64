package io.pilot.samples.specialists.papers;

import java.util.List;

/** One entry of the bundled citation index, as the data file holds it. */
public record Paper(String doi, String title, List<String> authors, int year, String venue, List<String> references) {
}
