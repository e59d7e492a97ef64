package io.pilot.engine.directory;

import java.util.Map;
import java.util.Objects;

/**
 * A capability a node offers ({@code papers.resolve-citation}) with optional metadata (version, cost,
 * description...) that callers may use to choose a provider.
 */
public record CapabilityInfo(String name, Map<String, String> metadata) {

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
}
