package io.pilot.engine.group;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.session.AccessPolicy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Lets a peer hold a session with this node only if the peer shares at least one group with it; the
 * backbone is always let in, or the node could not register and learn anyone's groups.
 *
 * <p>A node's access policy is fixed when the node is built, before its directory client can exist, so
 * this policy is created unbound and bound afterwards:
 *
 * <pre>{@code
 * SharedGroupPolicy policy = AccessPolicies.sharedGroup();
 * PilotNode node = PilotNode.builder().identityPath(path).accessPolicy(policy).build().start();
 * DirectoryClient client = DirectoryClient.builder(node).hostname("analyst")
 *         .backbone(backboneEndpoint, backboneKey).group("RESEARCH").build();
 * policy.bind(client).join();   // starts the client: do not start it yourself
 * }</pre>
 *
 * <p>Until bound it refuses everyone. Once bound it lets in the backbone (by the key the client pins, which
 * is why a pinned key is required), registers, and watches each group in this node's record; from then on
 * a peer is let in if a watch shows it as a member. The policy runs on the network thread and must not
 * block, so it only ever consults those watched views, never the backbone. The trade-off: a peer that joined
 * a group a moment ago is refused until the backbone's push about it arrives (typically one round trip
 * to the backbone), and a peer that left is let in until the push that it left arrives. A node that is in no
 * group lets in the backbone only.
 *
 * <p>The backbone forgets watches when it restarts: bind again (with the same client) to watch afresh.
 */
public final class SharedGroupPolicy implements AccessPolicy, AutoCloseable {

    private volatile DirectoryClient client;
    private volatile NodeKey backbone;
    private volatile List<DirectoryView> views = List.of();
    private volatile boolean closed;

    SharedGroupPolicy() {
    }

    /**
     * Binds the policy to the node's unstarted directory client, starts the client and watches the node's
     * groups. Completes with the node's record once the policy knows the current members; fails if the
     * client cannot register or a group cannot be watched (the groups that could be are used). Binding again
     * to the same client registers again and renews the watches.
     *
     * @throws IllegalArgumentException if the client does not pin the backbone's key
     * @throws IllegalStateException if the policy is bound to another client, or closed
     */
    public CompletableFuture<NodeRecord> bind(DirectoryClient client) {
        pin(client);
        return client.start().thenCompose(own -> watchGroups(client, own));
    }

    /** Binds to {@code client} and lets its pinned backbone in. */
    private void pin(DirectoryClient client) {
        NodeKey backboneKey = client.backboneKey().orElseThrow(() -> new IllegalArgumentException(
                "a shared-group policy must know the backbone before its first handshake: pin the backbone's key"));
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the policy is closed");
            }
            if (this.client != null && this.client != client) {
                throw new IllegalStateException("the policy is bound to another directory client");
            }
            this.client = client;
            this.backbone = backboneKey;
        }
    }

    /**
     * As {@link #bind}, for a node that starts while its backbone may be away: an outage does not fail the
     * future; the client keeps registering in the background, and the policy watches the groups once it has
     * registered. Until then the policy knows no member and lets in the backbone only (it fails closed): a peer
     * whose membership cannot be known yet is refused. Fails if the backbone refuses the registration.
     *
     * @throws IllegalArgumentException if the client does not pin the backbone's key
     * @throws IllegalStateException if the policy is bound to another client, or closed
     */
    public CompletableFuture<NodeRecord> bindOnceRegistered(DirectoryClient client) {
        pin(client);
        client.start(); // an outage fails this attempt only; the client retries, and registered() hears of it
        return client.registered().thenCompose(own -> watchGroups(client, own));
    }

    private CompletableFuture<NodeRecord> watchGroups(DirectoryClient client, NodeRecord own) {
        List<CompletableFuture<DirectoryView>> opening = own.groups().stream()
                .map(group -> DirectoryView.open(client, Query.GROUP, group, MembershipListener.NONE))
                .toList();
        return CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).handle((done, error) -> {
            replaceViews(opening.stream().filter(f -> !f.isCompletedExceptionally()).map(CompletableFuture::join).toList());
            if (error != null) {
                throw new CompletionException(Errors.unwrap(error));
            }
            return own;
        });
    }

    private void replaceViews(List<DirectoryView> fresh) {
        List<DirectoryView> old;
        synchronized (this) {
            if (closed) {
                fresh.forEach(DirectoryView::close);
                return;
            }
            old = views;
            views = fresh;
        }
        old.forEach(DirectoryView::close);
    }

    /** Answers from memory only: called on the network thread for every handshake. */
    @Override
    public boolean allows(NodeKey key, PilotAddress address) {
        if (key.equals(backbone)) {
            return true;
        }
        for (DirectoryView members : views) {
            if (members.record(address).filter(record -> record.key().equals(key)).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** Stops watching; from then on only the backbone is let in. */
    @Override
    public void close() {
        List<DirectoryView> old;
        synchronized (this) {
            closed = true;
            old = views;
            views = List.of();
        }
        old.forEach(DirectoryView::close);
    }
}
