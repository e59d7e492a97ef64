package io.pilot.backbone.etcd;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Several backbones of one realm on one etcd, sharing one identity (the trust model: agents pin one key), and
 * agents registered through them: real nodes on loopback, all closed at the end.
 */
final class Realm implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String store;
    private final Identity backboneIdentity = Identity.generate(RANDOM);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    final List<Backbone> backbones = new ArrayList<>();

    Realm(String store) {
        this.store = store;
    }

    Backbone backbone() {
        return backbone(store, b -> b);
    }

    /** A backbone of the realm that reaches etcd at {@code storeUrl} (the same etcd, e.g. through a forwarder). */
    Backbone backbone(String storeUrl) {
        return backbone(storeUrl, b -> b);
    }

    /** A backbone of the realm on a node {@code customizer} may change (its bind address, say). */
    Backbone backbone(UnaryOperator<PilotNode.Builder> customizer) {
        return backbone(store, customizer);
    }

    /** A backbone of the realm that runs its directory with {@code settings}. */
    Backbone backbone(BackboneSettings settings) {
        return backbone(store, b -> b, settings);
    }

    private Backbone backbone(String storeUrl, UnaryOperator<PilotNode.Builder> customizer) {
        return backbone(storeUrl, customizer, BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofSeconds(10)));
    }

    private Backbone backbone(String storeUrl, UnaryOperator<PilotNode.Builder> customizer, BackboneSettings settings) {
        PilotNode node = node(b -> customizer.apply(b.identity(backboneIdentity).answerStun(true)));
        Backbone backbone = Backbone.start(node, settings, EtcdDirectoryStore.open(storeUrl, 0, Duration.ofSeconds(10)));
        closeables.add(0, backbone);
        backbones.add(backbone);
        return backbone;
    }

    PilotNode node(UnaryOperator<PilotNode.Builder> customizer) {
        PilotNode node = customizer.apply(PilotNode.builder().identity(Identity.generate(RANDOM)).bindAddress("127.0.0.1", 0))
                .build().start();
        closeables.add(node);
        return node;
    }

    /** The key every backbone of the realm presents. */
    NodeKey backboneKey() {
        return backboneIdentity.publicKey();
    }

    /** The identity every backbone of the realm holds: for a backbone in a process of its own. */
    Identity backboneIdentity() {
        return backboneIdentity;
    }

    /** Closes {@code closeable} with the realm, before what was made earlier. */
    <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(0, closeable);
        return closeable;
    }

    /** A client of {@code backbone} on a new node, not started. */
    DirectoryClient client(Backbone backbone, String hostname, UnaryOperator<DirectoryClient.Builder> customizer) {
        PilotNode node = node(b -> b);
        DirectoryClient client = customizer.apply(DirectoryClient.builder(node).hostname(hostname)
                .backbone(backbone.node().localEndpoint(), backbone.node().publicKey())
                .requestTimeout(Duration.ofSeconds(15))).build();
        closeables.add(0, client);
        return client;
    }

    /** A started agent registered through {@code backbone}. */
    DirectoryClient agent(Backbone backbone, String hostname, UnaryOperator<DirectoryClient.Builder> customizer) {
        DirectoryClient client = client(backbone, hostname, customizer);
        client.start().join();
        return client;
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // best effort: what remains is closed next
            }
        }
    }
}
