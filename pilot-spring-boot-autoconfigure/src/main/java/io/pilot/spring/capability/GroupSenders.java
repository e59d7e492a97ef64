package io.pilot.spring.capability;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.group.DirectoryView;
import io.pilot.engine.group.GroupMessaging;
import io.pilot.engine.group.MembershipListener;
import io.pilot.engine.limit.RateLimiter;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Says whether a broadcast's sender is a member of the group its {@code group} header names: the header is the
 * sender's word, membership is the directory's. Answered from a live view of the group's members (a backbone
 * watch, opened on the group's first broadcast and kept), so a member's broadcast costs no round trip. A sender
 * the view does not list yet may have joined a moment ago (its broadcast can overtake the backbone's push), so
 * it is looked up once at the backbone; those lookups are rate limited per sender, so that a stream of forged
 * broadcasts does not turn into a stream of lookups.
 *
 * <p>Only groups that have listeners here are asked about, so the views are as many as those groups. Closed with
 * the agent: its watches end with the directory client anyway.
 */
public final class GroupSenders implements AutoCloseable {

    /** Lookups of senders the view does not list, per sender: 1 a second, burst 2. */
    private static final int LOOKUPS_PER_SECOND = 1;
    private static final int SENDERS_REMEMBERED = 10_000;

    private final Supplier<GroupMessaging> messaging;
    private final Supplier<DirectoryClient> directory;
    private final Map<String, CompletableFuture<DirectoryView>> views = new ConcurrentHashMap<>();
    /** Guarded by itself. */
    private final RateLimiter<PilotAddress> lookups = new RateLimiter<>(LOOKUPS_PER_SECOND, SENDERS_REMEMBERED);

    /** Suppliers, because the agent's directory client and group messaging exist only once it has started. */
    public GroupSenders(Supplier<GroupMessaging> messaging, Supplier<DirectoryClient> directory) {
        this.messaging = messaging;
        this.directory = directory;
    }

    /**
     * Whether the view of {@code group}, already open, lists {@code sender}: a read of memory and nothing more (no
     * watch opened, no lookup sent, no lookup budget spent), for the event loop; false when it cannot say yet.
     */
    public boolean knownMember(String group, PilotAddress sender) {
        CompletableFuture<DirectoryView> view = views.get(group);
        DirectoryView open = view == null || !view.isDone() || view.isCompletedExceptionally() ? null : view.getNow(null);
        return open != null && open.record(sender).isPresent();
    }

    /** Completes with whether {@code sender} is a live member of {@code group}; false if that cannot be learned. */
    public CompletableFuture<Boolean> isMember(String group, PilotAddress sender) {
        CompletableFuture<DirectoryView> view;
        try {
            view = views.computeIfAbsent(group, this::open);
        } catch (RuntimeException notStarted) {
            return CompletableFuture.completedFuture(false);
        }
        return view.handle((open, failure) -> {
            if (failure != null) {
                views.remove(group, view); // tried again on the next broadcast
                return null;
            }
            return open;
        }).thenCompose(open -> open != null && open.record(sender).isPresent()
                ? CompletableFuture.completedFuture(true)
                : lookUp(group, sender));
    }

    private CompletableFuture<DirectoryView> open(String group) {
        return messaging.get().watchMembers(group, MembershipListener.NONE);
    }

    private CompletableFuture<Boolean> lookUp(String group, PilotAddress sender) {
        boolean allowed;
        synchronized (lookups) {
            allowed = lookups.tryAcquire(sender, System.nanoTime());
        }
        if (!allowed) {
            return CompletableFuture.completedFuture(false);
        }
        return directory.get().lookup(sender).handle((record, failure) -> failure == null && listsGroup(record, group));
    }

    private static boolean listsGroup(NodeRecord record, String group) {
        return record.groups().contains(group);
    }

    @Override
    public void close() {
        views.values().forEach(view -> view.thenAccept(DirectoryView::close));
        views.clear();
    }
}
