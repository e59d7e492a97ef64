package io.pilot.engine.directory;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryProtocol.Query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Verified records this node has seen, newest sequence per address, kept until their own expiry. It
 * answers lookups while the backbone is unreachable; it never holds a record whose signature was not
 * checked, and never lets an older record replace a newer one.
 */
final class RecordCache {

    /** Bounds memory: a node rarely needs to remember this many peers. */
    static final int MAX_RECORDS = 100_000;

    /** How many records of nodes that left are remembered, to tell a node that comes back elsewhere. */
    static final int MAX_LEFT = 1024;

    private final Map<PilotAddress, NodeRecord> records = new ConcurrentHashMap<>();
    /** The last records of nodes that left lately (a restart deregisters first), newest last. */
    private final Map<PilotAddress, NodeRecord> left = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PilotAddress, NodeRecord> eldest) {
            return size() > MAX_LEFT;
        }
    };
    private final Consumer<NodeRecord> endpointsChanged;

    RecordCache() {
        this(record -> { });
    }

    /**
     * @param endpointsChanged told of a record that replaced an older one of the same node with other endpoints, or
     *     followed one that left lately (the node moved, or restarted elsewhere); not of a node seen for the first
     *     time, which a watch of thousands would tell thousands of times
     */
    RecordCache(Consumer<NodeRecord> endpointsChanged) {
        this.endpointsChanged = endpointsChanged;
    }

    /** Caches a record whose signature was checked. */
    void put(SignedRecord signed) {
        put(signed.record());
    }

    /** Caches a record; only one decoded with its signature checked, now or when the cache took it first. */
    void put(NodeRecord record) {
        if (records.size() >= MAX_RECORDS && !records.containsKey(record.address())) {
            evictExpired(System.currentTimeMillis());
            if (records.size() >= MAX_RECORDS) {
                return;
            }
        }
        NodeRecord[] moved = new NodeRecord[1];
        records.compute(record.address(), (address, old) -> {
            if (old != null && record.sequence() <= old.sequence()) {
                return old;
            }
            NodeRecord before = old != null ? old : leftLately(address);
            if (before != null && record.sequence() > before.sequence() && !sameDirectEndpoints(record, before)) {
                moved[0] = record;
            }
            return record;
        });
        if (moved[0] != null) {
            endpointsChanged.accept(moved[0]);
        }
    }

    void remove(NodeRecord record) {
        records.computeIfPresent(record.address(), (address, held) -> {
            if (held.sequence() > record.sequence()) {
                return held;
            }
            synchronized (left) {
                left.put(address, held);
            }
            return null;
        });
    }

    /** Whether two records publish the same direct endpoints, in any order (the relay's may differ). */
    private static boolean sameDirectEndpoints(NodeRecord one, NodeRecord other) {
        return Set.copyOf(Lookups.directEndpoints(one)).equals(Set.copyOf(Lookups.directEndpoints(other)));
    }

    private NodeRecord leftLately(PilotAddress address) {
        synchronized (left) {
            return left.remove(address);
        }
    }

    /** The record held for {@code address}, expired or not (its signature was checked when it came), or null. */
    NodeRecord held(PilotAddress address) {
        return records.get(address);
    }

    Optional<NodeRecord> get(PilotAddress address, long nowMillis) {
        NodeRecord record = records.get(address);
        return record != null && record.expiresAtMillis() > nowMillis ? Optional.of(record) : Optional.empty();
    }

    List<NodeRecord> find(Query query, String value, long nowMillis) {
        List<NodeRecord> found = new ArrayList<>();
        for (NodeRecord record : records.values()) {
            if (record.expiresAtMillis() > nowMillis && matches(record, query, value)) {
                found.add(record);
            }
        }
        return found;
    }

    static boolean matches(NodeRecord record, Query query, String value) {
        return switch (query) {
            case ALL -> true;
            case HOSTNAME -> record.hostname().equals(value);
            case ADDRESS -> record.address().equals(parsedOrNull(value));
            case CAPABILITY -> record.hasCapability(value);
            case GROUP -> record.groups().contains(value);
        };
    }

    /** The address {@code value} names in any form {@link PilotAddress#parse} takes (leading zeros, either case). */
    private static PilotAddress parsedOrNull(String value) {
        try {
            return PilotAddress.parse(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void evictExpired(long nowMillis) {
        records.values().removeIf(r -> r.expiresAtMillis() <= nowMillis);
    }
}
