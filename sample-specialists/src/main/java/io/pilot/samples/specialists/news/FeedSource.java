package io.pilot.samples.specialists.news;

/** An entry of the feed list: the name callers use for the feed, and the class path resource holding it. */
public record FeedSource(String name, String resource) {
}
