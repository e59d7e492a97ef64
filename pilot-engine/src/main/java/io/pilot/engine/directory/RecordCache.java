package io.pilot.engine.directory;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryProtocol.Query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verified records this node has seen, newest sequence per address, kept until their own expiry. It
 * answers lookups while the backbone is unreachable; it never holds a record whose signature was not
 * checked, and never lets an older record replace a newer one.
 */
final class RecordCache {

    /** Bounds memory: a node rarely needs to remember this many peers. */
    static final int MAX_RECORDS = 100_000;

    private final Map<PilotAddress, NodeRecord> records = new ConcurrentHashMap<>();

    void put(SignedRecord signed) {
        NodeRecord record = signed.record();
        if (records.size() >= MAX_RECORDS && !records.containsKey(record.address())) {
            evictExpired(System.currentTimeMillis());
            if (records.size() >= MAX_RECORDS) {
                return;
            }
        }
        records.merge(record.address(), record, (old, fresh) -> fresh.sequence() > old.sequence() ? fresh : old);
    }

    void remove(NodeRecord record) {
        records.computeIfPresent(record.address(), (address, held) -> held.sequence() <= record.sequence() ? null : held);
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
            case ADDRESS -> record.address().toString().equalsIgnoreCase(value);
            case CAPABILITY -> record.hasCapability(value);
            case GROUP -> record.groups().contains(value);
        };
    }

    private void evictExpired(long nowMillis) {
        records.values().removeIf(r -> r.expiresAtMillis() <= nowMillis);
    }
}
