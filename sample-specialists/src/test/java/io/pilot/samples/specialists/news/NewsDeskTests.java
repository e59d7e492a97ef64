package io.pilot.samples.specialists.news;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.samples.specialists.support.BadRequestException;
import io.pilot.samples.specialists.support.DataException;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class NewsDeskTests {

    private static final NewsDesk bundled = NewsDesk.load(NewsDesk.BUNDLED);

    @Test
    void theBundledFeedsHoldAtLeastTwelveItemsEach() {
        Map<String, Long> perFeed = bundled.latest(50, null).items().stream()
                .collect(Collectors.groupingBy(NewsItem::feed, Collectors.counting()));

        assertThat(bundled.feeds()).containsExactly("ai-research", "distributed-systems", "quantum-computing", "security-crypto");
        assertThat(bundled.size()).isEqualTo(52);
        assertThat(perFeed).hasSize(4).allSatisfy((feed, count) -> assertThat(count).isGreaterThanOrEqualTo(12));
    }

    @Test
    void searchMatchesTitleSummaryAndCategoriesInAnyCaseNewestFirst() {
        NewsSearch search = bundled.search("ATTENTION", null);

        assertThat(search.topic()).isEqualTo("ATTENTION");
        assertThat(search.total()).isEqualTo(search.items().size()).isGreaterThanOrEqualTo(4);
        assertThat(search.items()).isSortedAccordingTo(Comparator.comparing(NewsItem::published).reversed())
                .allSatisfy(item -> assertThat(text(item)).contains("attention"));
    }

    @Test
    void theFleetsTopicsFindNews() {
        assertThat(bundled.search("quantum", 50).items()).extracting(NewsItem::feed)
                .contains("quantum-computing", "security-crypto");
        assertThat(bundled.search("consensus", null).items()).isNotEmpty()
                .allSatisfy(item -> assertThat(item.feed()).isEqualTo("distributed-systems"));
        assertThat(bundled.search("post-quantum key exchange", null).items()).extracting(NewsItem::title)
                .contains("Post-quantum key exchange, explained", "Harvest now, decrypt later");
    }

    @Test
    void aSearchLimitCutsTheItemsNotTheTotal() {
        NewsSearch search = bundled.search("quantum", 2);

        assertThat(search.items()).hasSize(2);
        assertThat(search.total()).isGreaterThan(2);
    }

    @Test
    void aBlankTopicIsRefused() {
        assertThatThrownBy(() -> bundled.search(" ", null)).isInstanceOf(BadRequestException.class)
                .hasMessage("a topic is required, e.g. {\"topic\":\"attention\"}");
    }

    @Test
    void latestListsTheNewestOfEveryFeedOrOfOne() {
        List<NewsItem> latest = bundled.latest(null, null).items();
        assertThat(latest).hasSize(10).isSortedAccordingTo(Comparator.comparing(NewsItem::published).reversed());
        Instant newest = bundled.latest(50, null).items().stream().map(NewsItem::published).max(Comparator.naturalOrder()).orElseThrow();
        assertThat(latest.get(0).published()).isEqualTo(newest);

        assertThat(bundled.latest(3, "Quantum-Computing").items()).hasSize(3)
                .allSatisfy(item -> assertThat(item.feed()).isEqualTo("quantum-computing"));
    }

    @Test
    void anUnknownFeedIsRefusedListingTheFeeds() {
        assertThatThrownBy(() -> bundled.latest(5, "sports")).isInstanceOf(BadRequestException.class)
                .hasMessage("unknown feed 'sports'; feeds: ai-research, distributed-systems, quantum-computing, security-crypto");
    }

    @Test
    void loadsRssAndAtomFeedsTogether() {
        NewsDesk desk = NewsDesk.load("news/feeds.json");

        assertThat(desk.latest(null, null).items()).extracting(NewsItem::title)
                .containsExactly("Quantum error correction", "Attention for beginners", "Gossip, briefly", "Consensus");
    }

    @Test
    void aBrokenFeedStopsTheWholeDesk() {
        assertThatThrownBy(() -> NewsDesk.load("news/broken-feeds.json")).isInstanceOf(DataException.class)
                .hasMessageStartingWith("news/missing-link.rss.xml: item 2");
    }

    private static String text(NewsItem item) {
        return Stream.concat(Stream.of(item.title(), item.summary()), item.categories().stream())
                .collect(Collectors.joining(" ")).toLowerCase(Locale.ROOT);
    }
}
