package io.pilot.engine.directory;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryClient.WatchListener;
import io.pilot.engine.directory.DirectoryProtocol.Query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One watch's state: which subscription it is at the backbone, which revisions it has applied, and what its
 * listener has been told is there. Events travel on separate streams and may overtake each other; this
 * puts them in order per node, and after a renewal tells the listener only what changed.
 */
final class Watch {

    private final Query query;
    private final String value;
    private final WatchListener listener;
    private volatile int id;
    /** The revision of the snapshot this watch started from: older events are already in it. */
    private long appliedRevision;
    /** The newest revision applied per node. */
    private final Map<PilotAddress, Long> revisions = new HashMap<>();
    /** What the listener has been told is there, to tell it the difference after a renewal. */
    private final Map<PilotAddress, NodeRecord> known = new ConcurrentHashMap<>();

    Watch(Query query, String value, WatchListener listener) {
        this.query = query;
        this.value = value;
        this.listener = listener;
    }

    Query query() {
        return query;
    }

    String value() {
        return value;
    }

    /** The backbone's subscription id, replaced by a renewal. */
    int id() {
        return id;
    }

    /** Starts from a snapshot: every record in it is news to the listener. */
    synchronized void start(int subscription, long revision, List<NodeRecord> records) {
        restart(subscription, revision);
        records.forEach(this::joined);
    }

    /** Continues under a new subscription whose snapshot is of {@code revision}. */
    synchronized void restart(int subscription, long revision) {
        id = subscription;
        appliedRevision = revision;
        revisions.clear();
    }

    /**
     * Tells the listener how a renewed subscription's snapshot differs from what it was told: nodes gone,
     * nodes new, nodes whose record changed.
     */
    void resync(List<NodeRecord> records) {
        Map<PilotAddress, NodeRecord> now = new LinkedHashMap<>();
        records.forEach(r -> now.put(r.address(), r));
        for (NodeRecord gone : new ArrayList<>(known.values())) {
            if (!now.containsKey(gone.address())) {
                left(gone);
            }
        }
        for (NodeRecord record : now.values()) {
            NodeRecord before = known.get(record.address());
            if (before == null) {
                joined(record);
            } else if (before.sequence() != record.sequence()) {
                updated(record);
            }
        }
    }

    /**
     * Applies an event unless a newer one about the same node was already applied. Revisions are global, so
     * gaps are normal. Per node the listener hears changes in order and ends in the backbone's state; across
     * nodes there is no order.
     */
    synchronized void apply(int kind, long revision, NodeRecord record) {
        if (revision <= revisions.getOrDefault(record.address(), appliedRevision)) {
            return;
        }
        revisions.put(record.address(), revision);
        switch (kind) {
            case DirectoryProtocol.EVENT_JOIN -> joined(record);
            case DirectoryProtocol.EVENT_UPDATE -> updated(record);
            default -> left(record);
        }
    }

    private void joined(NodeRecord record) {
        known.put(record.address(), record);
        listener.joined(record);
    }

    private void updated(NodeRecord record) {
        known.put(record.address(), record);
        listener.updated(record);
    }

    private void left(NodeRecord record) {
        known.remove(record.address());
        listener.left(record);
    }
}
