package io.pilot.samples.specialists.news;

import java.util.List;

/** The answer to {@code news.search}: how many items match, and the newest {@code limit} of them. */
public record NewsSearch(String topic, int total, List<NewsItem> items) {
}
