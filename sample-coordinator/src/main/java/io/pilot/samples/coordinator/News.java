package io.pilot.samples.coordinator;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotReply;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The news specialist as the coordinator calls it; {@code pilot.client.interfaces.news.*} says where and how long. */
public interface News {

    /** Sent as {@code {"topic":…,"limit":…}}; the reply with who answered it, for the answer's part. */
    @Capability("news.search")
    CompletableFuture<PilotReply<Found>> search(String topic, int limit);

    /** What {@code news.search} answers. */
    record Found(String topic, int total, List<Item> items) {
    }

    record Item(String title, String link, Instant published, String feed, String summary, List<String> categories) {
    }
}
