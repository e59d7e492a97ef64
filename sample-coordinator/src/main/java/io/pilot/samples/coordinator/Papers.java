package io.pilot.samples.coordinator;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotReply;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The papers specialist as the coordinator calls it: whoever offers {@code papers.search}. A bean
 * ({@link CoordinatorApplication} imports it); {@code pilot.client.interfaces.papers.*} says where and how long.
 */
public interface Papers {

    /** Sent as {@code {"query":…,"limit":…}}; the reply with who answered it, for the answer's part. */
    @Capability("papers.search")
    CompletableFuture<PilotReply<Found>> search(String query, int limit);

    /** What {@code papers.search} answers (the fields the coordinator shows). */
    record Found(String query, int total, List<Paper> results) {
    }

    record Paper(String doi, String title, List<String> authors, int year, String venue, int citedBy) {
    }
}
