package io.pilot.samples.specialists.news;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.samples.specialists.support.DataException;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class FeedParserTests {

    @Test
    void readsRssItems() {
        List<NewsItem> items = FeedParser.parse(new FeedSource("rss-sample", "news/sample.rss.xml"));

        assertThat(items).containsExactly(
                new NewsItem("Attention for beginners", "https://news.example.org/sample/attention",
                        Instant.parse("2025-05-06T23:00:00Z"), "rss-sample", "Queries, keys and values.",
                        List.of("attention", "Explainer")),
                new NewsItem("Gossip, briefly", "https://news.example.org/sample/gossip", Instant.parse("2025-05-05T10:00:00Z"),
                        "rss-sample", "", List.of()));
    }

    @Test
    void readsAtomEntriesTakingTheAlternateLinkAndFallingBackToUpdatedAndContent() {
        List<NewsItem> items = FeedParser.parse(new FeedSource("atom-sample", "news/sample.atom.xml"));

        assertThat(items).containsExactly(
                new NewsItem("Quantum error correction", "https://news.example.org/sample/qec",
                        Instant.parse("2025-05-07T08:00:00Z"), "atom-sample", "Surface codes.", List.of("quantum")),
                new NewsItem("Consensus", "https://news.example.org/sample/consensus", Instant.parse("2025-05-01T09:00:00Z"),
                        "atom-sample", "Majorities.", List.of()));
    }

    @Test
    void anIncompleteItemFailsTheFeedNamingFileAndItem() {
        assertThatThrownBy(() -> FeedParser.parse(new FeedSource("broken", "news/missing-link.rss.xml")))
                .isInstanceOf(DataException.class)
                .hasMessage("news/missing-link.rss.xml: item 2 (\"No link\") needs a title, a link and a date");
        assertThatThrownBy(() -> FeedParser.parse(new FeedSource("broken", "news/bad-date.atom.xml")))
                .isInstanceOf(DataException.class)
                .hasMessage("news/bad-date.atom.xml: item 1 (\"Yesterday\"): 'yesterday' is neither an RFC 822 nor an RFC 3339 date");
    }

    @Test
    void aFeedWithAnExternalEntityIsRefusedAndTheEntityNeverRead() {
        assertThatThrownBy(() -> FeedParser.parse(new FeedSource("evil", "news/xxe.rss.xml")))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith("news/xxe.rss.xml: line 2: ")
                .hasMessageContaining("DOCTYPE is disallowed")
                .hasMessageNotContaining("root:");
    }

    @Test
    void somethingElseThanRssOrAtomIsRefused() {
        assertThatThrownBy(() -> FeedParser.parse(new FeedSource("html", "news/not-a-feed.xml")))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith("news/not-a-feed.xml: neither RSS 2.0 (<rss>) nor Atom");
    }
}
