package io.pilot.engine.directory;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.NodeKey;
import java.util.Collections;

import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a node publishes about itself: who it is (key, and so its address), its hostname, what it can do,
 * which groups it is in and where it can be reached. Published as a {@link SignedRecord}; a newer record
 * has a higher {@code sequence}; {@code expiresAtMillis} bounds how long anyone may believe it.
 */
public record NodeRecord(int realm, NodeKey key, String hostname, List<CapabilityInfo> capabilities,
                         SortedSet<String> groups, List<Endpoint> endpoints, long sequence, long expiresAtMillis) {

    /** Most capabilities, groups or endpoints in one record. */
    public static final int MAX_ENTRIES = 255;

    public NodeRecord {
        Objects.requireNonNull(key, "key");
        Names.checkHostname(hostname);
        capabilities = List.copyOf(capabilities);
        groups = Collections.unmodifiableSortedSet(new TreeSet<>(groups));
        groups.forEach(Names::checkGroup);
        endpoints = List.copyOf(endpoints);
        if (capabilities.size() > MAX_ENTRIES || groups.size() > MAX_ENTRIES || endpoints.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("a record holds at most " + MAX_ENTRIES
                    + " capabilities, groups and endpoints each");
        }
        if (capabilities.stream().map(CapabilityInfo::name).distinct().count() != capabilities.size()) {
            throw new IllegalArgumentException("capability names in a record must be unique");
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative");
        }
    }

    public PilotAddress address() {
        return key.address(realm);
    }

    public boolean hasCapability(String name) {
        return capabilities.stream().anyMatch(c -> c.name().equals(name));
    }

    /** The same record with other endpoints, a new sequence and expiry (for republishing). */
    public NodeRecord republished(List<Endpoint> newEndpoints, long newSequence, long newExpiresAtMillis) {
        return new NodeRecord(realm, key, hostname, capabilities, groups, newEndpoints, newSequence, newExpiresAtMillis);
    }

    /** The same record with other groups, a new sequence and expiry. */
    public NodeRecord withGroups(SortedSet<String> newGroups, long newSequence, long newExpiresAtMillis) {
        return new NodeRecord(realm, key, hostname, capabilities, newGroups, endpoints, newSequence, newExpiresAtMillis);
    }
}
