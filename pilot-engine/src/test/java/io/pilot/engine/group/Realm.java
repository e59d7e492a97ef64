package io.pilot.engine.group;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.directory.DirectoryClient;

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
    private PilotNode backboneNode;

    /** Starts the realm's backbone; call first. */
    PilotNode startBackbone() {
        backboneNode = nodes.start();
        closeables.push(Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none()));
        return backboneNode;
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
