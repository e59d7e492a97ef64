package io.pilot.samples.specialists.news;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotCaller;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;

/** The news specialist: searches and lists the items of its feeds, and logs who searched for what. */
@Profile("news")
@PilotAgent(groups = "RESEARCH")
public class NewsAgent {

    /** {@code {"limit":5,"feed":"ai-research"}}; no feed: every feed. */
    public record LatestRequest(@Nullable Integer limit, @Nullable String feed) {
    }

    private static final Logger log = LoggerFactory.getLogger(NewsAgent.class);

    private final NewsDesk desk;

    public NewsAgent(NewsDesk desk) {
        this.desk = desk;
    }

    /**
     * {@code {"topic":"quantum","limit":5}}, each field a parameter; limit 1 to 50, 10 when absent. {@code caller} is
     * not in the JSON: it is who called, proven by the tunnel's handshake, named as the directory knows it.
     */
    @Capability(value = "news.search", description = "feed items whose title, summary or categories hold every word of the topic, newest first")
    public NewsSearch search(String topic, @Nullable Integer limit, PilotCaller caller) {
        log.info("{} searches the news for '{}'", caller.hostname().orElse(caller.address().toString()), topic);
        return desk.search(topic, limit);
    }

    @Capability(value = "news.latest", description = "the newest feed items, of every feed or of one")
    public LatestNews latest(LatestRequest request) {
        return desk.latest(request.limit(), request.feed());
    }
}
