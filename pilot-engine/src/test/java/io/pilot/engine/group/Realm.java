package io.pilot.engine.group;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.Identity;

import java.net.InetSocketAddress;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A backbone and agents on loopback for one test, closed after it (clients before nodes). Unlike the backbone
 * tests' fixture, agents' nodes can be configured too, since access policies are fixed when a node is built.
 */
final class Realm implements AfterEachCallback {

    private final TestNodes nodes = new TestNodes();
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final Identity backboneIdentity = TestNodes.newIdentity();
    private PilotNode backboneNode;
    private Backbone backbone;

    /** Starts the realm's backbone; call first. */
    PilotNode startBackbone() {
        return startBackbone(new InetSocketAddress("127.0.0.1", 0));
    }

    private PilotNode startBackbone(InetSocketAddress bind) {
        backboneNode = nodes.start(b -> b.identity(backboneIdentity).bindAddress(bind));
        backbone = Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none());
        closeables.push(backbone);
        return backboneNode;
    }

    /** Stops the backbone and its node, as if its process were killed: it forgets every registration and watch. */
    void stopBackbone() {
        backbone.close();
        backboneNode.close();
    }

    /** Starts the backbone anew with the same key on the same endpoint, and an empty directory. */
    void restartBackbone() {
        InetSocketAddress endpoint = backboneNode.localEndpoint();
        stopBackbone();
        startBackbone(endpoint);
    }

    Backbone backbone() {
        return backbone;
    }

    /** A registered agent on a default node. */
    DirectoryClient agent(String hostname, UnaryOperator<DirectoryClient.Builder> directory) {
        DirectoryClient client = client(hostname, node -> node, directory);
        client.start().join();
        return client;
    }

    /** An agent on a node built with {@code node}, its directory client configured but not started. */
    DirectoryClient client(String hostname, UnaryOperator<PilotNode.Builder> node,
                           UnaryOperator<DirectoryClient.Builder> directory) {
        DirectoryClient client = directory.apply(DirectoryClient.builder(nodes.start(node)).hostname(hostname)
                .backbone(backboneNode.localEndpoint(), backboneNode.publicKey())).build();
        closeables.push(client);
        return client;
    }

    /** A node outside the directory. */
    PilotNode node(UnaryOperator<PilotNode.Builder> node) {
        return nodes.start(node);
    }

    PilotNode backboneNode() {
        return backboneNode;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception ignored) {
                // best effort: the nodes are closed below anyway
            }
        }
        nodes.afterEach(context);
    }
}
