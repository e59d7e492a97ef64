package io.pilot.samples.coordinator;

import java.util.List;

/**
 * The aggregated answer to a {@link ResearchRequest}.
 *
 * @param topic what was researched
 * @param traceId the trace this request is recorded under, when tracing is on; null otherwise
 * @param millis the whole request, parts in parallel
 * @param parts one per capability call, in the order asked
 * @param broadcast who in the RESEARCH group was told about it, or null if not asked to
 */
public record ResearchAnswer(String topic, String traceId, double millis, List<ResearchPart> parts,
        BroadcastSummary broadcast) {

    /**
     * A broadcast to a group.
     *
     * @param group the group
     * @param delivered the members it was handed to
     * @param failed the members it could not reach, with why
     * @param millis how long telling them took (the parts are asked after it)
     */
    public record BroadcastSummary(String group, List<String> delivered, List<String> failed, double millis) {
    }
}
