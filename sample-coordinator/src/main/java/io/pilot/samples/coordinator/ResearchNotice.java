package io.pilot.samples.coordinator;

/**
 * What the coordinator broadcasts to the {@code RESEARCH} group when a request comes in, so every specialist
 * knows the topic (the specialists log it; a real fleet might pre-fetch).
 *
 * @param topic the topic researched
 * @param requestedBy the coordinator's hostname
 */
public record ResearchNotice(String topic, String requestedBy) {
}
