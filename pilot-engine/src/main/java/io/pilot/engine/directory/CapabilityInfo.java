package io.pilot.engine.directory;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A capability a node offers ({@code papers.resolve-citation}) with optional metadata (version, cost,
 * description...) that callers may use to choose a provider. Three keys are Pilot's own (PROTOCOL §7.4.1):
 * {@value #DESCRIPTION}, and the capability's schema document either inline ({@value #SCHEMA}) or by its
 * digest ({@value #SCHEMA_SHA256}), the document then served by the provider on the schema port.
 */
public record CapabilityInfo(String name, Map<String, String> metadata) {

    /** What the capability does, in words. */
    public static final String DESCRIPTION = "description";
    /** The schema document itself (compact JSON), when it is small enough to travel in the record. */
    public static final String SCHEMA = "schema";
    /** The lower-case hex SHA-256 of the schema document, which the provider serves on {@code Ports.SCHEMAS}. */
    public static final String SCHEMA_SHA256 = "schema-sha256";

    public CapabilityInfo {
        Names.checkCapability(name);
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
        if (metadata.size() > NodeRecord.MAX_ENTRIES) {
            throw new IllegalArgumentException("a capability carries at most " + NodeRecord.MAX_ENTRIES + " metadata entries");
        }
        metadata.forEach(Names::checkMetadata);
    }

    public static CapabilityInfo of(String name) {
        return new CapabilityInfo(name, Map.of());
    }

    /** What the capability does, if its provider said. */
    public Optional<String> description() {
        return Optional.ofNullable(metadata.get(DESCRIPTION)).filter(d -> !d.isEmpty());
    }

    /** Whether its provider published schemas for it (inline or by digest). */
    public boolean hasSchema() {
        return metadata.containsKey(SCHEMA) || metadata.containsKey(SCHEMA_SHA256);
    }
}
