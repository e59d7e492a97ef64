package io.pilot.engine.group;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live records one directory query selects (the members of a group, the providers of a capability),
 * kept current by a backbone watch so that reading them costs no round trip. Reads never block, which is
 * what lets an {@link io.pilot.engine.session.AccessPolicy} consult a view on the network thread.
 *
 * <p>A view is as fresh as the watch: a change reaches it one backbone push after it happens, in revision order
 * per node. Records past their expiry are hidden even if no {@code left} came (the backbone went away, say).
 * If the backbone restarts, or this node was away from it long enough to lose its lease, the client subscribes
 * again and the view hears what changed meanwhile; a node that a backbone restarted empty does not know yet stays
 * in the view for a lease and a retry, the time it has to register again.
 */
public final class DirectoryView implements AutoCloseable {

    private final Query query;
    private final String value;
    private final MembershipListener listener;
    private final Map<PilotAddress, NodeRecord> records = new ConcurrentHashMap<>();
    private volatile DirectoryClient.WatchHandle handle;
    private volatile Runnable onClose = () -> { };

    private DirectoryView(Query query, String value, MembershipListener listener) {
        this.query = query;
        this.value = value;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Watches what {@code query} and {@code value} select; completes once the current records are in. */
    static CompletableFuture<DirectoryView> open(DirectoryClient client, Query query, String value,
                                                 MembershipListener listener) {
        DirectoryView view = new DirectoryView(query, value, listener);
        return client.watch(query, value, view.new Updates()).thenApply(handle -> {
            view.handle = handle;
            return view;
        });
    }

    public Query query() {
        return query;
    }

    public String value() {
        return value;
    }

    /** The records selected now, unexpired, in no particular order. */
    public List<NodeRecord> records() {
        long now = System.currentTimeMillis();
        return records.values().stream().filter(r -> r.expiresAtMillis() > now).toList();
    }

    /** The unexpired record of the node at {@code address}, if the query selects it. Never blocks. */
    public Optional<NodeRecord> record(PilotAddress address) {
        return Optional.ofNullable(records.get(address)).filter(r -> r.expiresAtMillis() > System.currentTimeMillis());
    }

    /** Runs {@code action} when the view is closed (a registry forgetting it). */
    void onClose(Runnable action) {
        this.onClose = Objects.requireNonNull(action, "action");
    }

    /** Stops the watch; the view keeps its last records but no longer changes. */
    @Override
    public void close() {
        onClose.run();
        DirectoryClient.WatchHandle current = handle;
        if (current != null) {
            current.close();
        }
    }

    /** Applies the watch's events, folding a repeated join into an update. */
    private final class Updates implements DirectoryClient.WatchListener {
        @Override
        public void joined(NodeRecord record) {
            if (records.put(record.address(), record) == null) {
                listener.joined(record);
            } else {
                listener.updated(record);
            }
        }

        @Override
        public void updated(NodeRecord record) {
            joined(record);
        }

        @Override
        public void left(NodeRecord record) {
            if (records.remove(record.address()) != null) {
                listener.left(record);
            }
        }
    }
}
