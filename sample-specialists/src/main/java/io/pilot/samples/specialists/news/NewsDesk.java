package io.pilot.samples.specialists.news;

import io.pilot.samples.specialists.support.BadRequestException;
import io.pilot.samples.specialists.support.DataException;
import io.pilot.samples.specialists.support.DataFiles;
import io.pilot.samples.specialists.support.Limit;
import io.pilot.samples.specialists.support.Query;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The news specialist's knowledge: the items of its feeds, newest first. Immutable once loaded. */
public final class NewsDesk {

    /** The list of feeds bundled with the sample (see {@code data/README.md}). */
    public static final String BUNDLED = "data/news/feeds.json";

    /** Newest first; title and feed keep the order total for items of the same minute. */
    private static final Comparator<NewsItem> NEWEST_FIRST = Comparator.comparing(NewsItem::published).reversed()
            .thenComparing(NewsItem::title).thenComparing(NewsItem::feed);

    private final List<NewsItem> items;
    private final SortedSet<String> feeds;

    /** @param feeds each feed's items by its name */
    public NewsDesk(Map<String, List<NewsItem>> feeds) {
        this.feeds = Collections.unmodifiableSortedSet(new TreeSet<>(feeds.keySet()));
        this.items = feeds.values().stream().flatMap(List::stream).sorted(NEWEST_FIRST).toList();
    }

    /** Loads the feeds a feed list ({@code [{"name":…,"resource":…}]}) names. */
    public static NewsDesk load(String feedList) {
        FeedSource[] sources = DataFiles.readJson(feedList, FeedSource[].class);
        Map<String, List<NewsItem>> feeds = new LinkedHashMap<>();
        for (FeedSource source : sources) {
            if (source.name() == null || !source.name().matches("[a-z0-9-]+") || source.resource() == null) {
                throw new DataException(feedList, "each feed needs a name of a-z, 0-9 and '-', and a resource: " + source);
            }
            if (feeds.put(source.name(), FeedParser.parse(source)) != null) {
                throw new DataException(feedList, "feed " + source.name() + " is listed twice");
            }
        }
        return new NewsDesk(feeds);
    }

    public SortedSet<String> feeds() {
        return feeds;
    }

    public int size() {
        return items.size();
    }

    /** {@code news.search}: items whose title, summary and categories hold every word of {@code topic}. */
    public NewsSearch search(String topic, Integer limit) {
        Query query = Query.parse(topic, "topic");
        int max = Limit.of(limit);
        List<NewsItem> matches = items.stream()
                .filter(item -> query.matchesAcross(Stream.concat(Stream.of(item.title(), item.summary()),
                        item.categories().stream()).toList()))
                .toList();
        return new NewsSearch(query.text(), matches.size(), matches.subList(0, Math.min(max, matches.size())));
    }

    /** {@code news.latest}: of every feed, or of the one named. */
    public LatestNews latest(Integer limit, String feed) {
        int max = Limit.of(limit);
        Stream<NewsItem> latest = items.stream();
        if (feed != null) {
            String name = feed.strip().toLowerCase(Locale.ROOT);
            if (!feeds.contains(name)) {
                throw new BadRequestException("unknown feed '" + feed + "'; feeds: " + String.join(", ", feeds));
            }
            latest = latest.filter(item -> item.feed().equals(name));
        }
        return new LatestNews(latest.limit(max).toList());
    }
}
