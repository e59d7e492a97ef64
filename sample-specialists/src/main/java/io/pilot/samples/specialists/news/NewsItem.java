package io.pilot.samples.specialists.news;

import java.time.Instant;
import java.util.List;

/** One item of a feed, RSS or Atom alike; {@code feed} is the name of the feed it comes from. */
public record NewsItem(String title, String link, Instant published, String feed, String summary, List<String> categories) {
}
