package io.pilot.engine.group;

import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where group members and capability providers come from: a {@link DirectoryView} opened through this
 * source answers from memory. Without one, providers come from the client's watched copy of the capability
 * ({@link DirectoryClient#providers}, also from memory once the first anycast opened it), and members from the
 * backbone (or the client's cache if the backbone is away).
 */
final class RecordSource {

    private record Key(Query query, String value) {
    }

    private final DirectoryClient client;
    private final Map<Key, DirectoryView> views = new ConcurrentHashMap<>();

    RecordSource(DirectoryClient client) {
        this.client = client;
    }

    DirectoryClient client() {
        return client;
    }

    /** Opens a view that later lookups of the same query use, until it is closed; the newest view wins. */
    CompletableFuture<DirectoryView> open(Query query, String value, MembershipListener listener) {
        Key key = new Key(query, value);
        return DirectoryView.open(client, query, value, listener).thenApply(view -> {
            views.put(key, view);
            view.onClose(() -> views.remove(key, view));
            return view;
        });
    }

    CompletableFuture<List<NodeRecord>> members(String group) {
        return lookup(Query.GROUP, group);
    }

    CompletableFuture<List<NodeRecord>> providers(String capability) {
        return lookup(Query.CAPABILITY, capability);
    }

    private CompletableFuture<List<NodeRecord>> lookup(Query query, String value) {
        DirectoryView view = views.get(new Key(query, value));
        if (view != null) {
            return CompletableFuture.completedFuture(view.records());
        }
        return query == Query.GROUP ? client.members(value) : client.providers(value);
    }
}
