package io.pilot.spring.tools;

import io.pilot.engine.directory.CapabilityInfo;

/**
 * A capability as one provider defines it: its description and its schema document, which is the same for every
 * provider that publishes the same (replicas of one build), so one is resolved once for all of them.
 *
 * @param description what the capability does, empty if unsaid
 * @param input the tool's arguments
 * @param outputSchema the reply's schema, {@code {}} if unpublished
 * @param published whether the provider published schemas
 */
record ToolDefinition(String description, ToolInput input, String outputSchema, boolean published) {

    /** What tells two providers' definitions of a capability apart, without fetching anything. */
    static String key(CapabilityInfo info) {
        String schema = info.metadata().getOrDefault(CapabilityInfo.SCHEMA_SHA256,
                info.metadata().getOrDefault(CapabilityInfo.SCHEMA, ""));
        return info.name() + '\n' + info.description().orElse("") + '\n' + schema;
    }
}
