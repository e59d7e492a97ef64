package io.pilot.samples.specialists.news;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Profile;

/** The news specialist: searches and lists the items of its feeds. */
@Profile("news")
@PilotAgent(groups = "RESEARCH")
public class NewsAgent {

    /** {@code {"topic":"quantum","limit":5}}; limit 1 to 50, 10 when absent. */
    public record TopicRequest(String topic, @Nullable Integer limit) {
    }

    /** {@code {"limit":5,"feed":"ai-research"}}; no feed: every feed. */
    public record LatestRequest(@Nullable Integer limit, @Nullable String feed) {
    }

    private final NewsDesk desk;

    public NewsAgent(NewsDesk desk) {
        this.desk = desk;
    }

    @Capability(value = "news.search", description = "feed items whose title, summary or categories hold every word of the topic, newest first")
    public NewsSearch search(TopicRequest request) {
        return desk.search(request.topic(), request.limit());
    }

    @Capability(value = "news.latest", description = "the newest feed items, of every feed or of one")
    public LatestNews latest(LatestRequest request) {
        return desk.latest(request.limit(), request.feed());
    }
}
