package io.pilot.samples.specialists.news;

import java.util.List;

/** The answer to {@code news.latest}: the newest items, newest first. */
public record LatestNews(List<NewsItem> items) {
}
