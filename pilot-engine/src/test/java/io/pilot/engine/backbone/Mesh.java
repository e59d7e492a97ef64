package io.pilot.engine.backbone;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.Identity;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A backbone and agents on loopback for one test, all closed after it. */
final class Mesh implements AfterEachCallback {

    final TestNodes nodes = new TestNodes();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    PilotNode backboneNode;
    Backbone backbone;

    Backbone startBackbone(BackboneSettings settings, DirectoryStore store) {
        return startBackbone(TestNodes.newIdentity(), new InetSocketAddress("127.0.0.1", 0), settings, store);
    }

    Backbone startBackbone(Identity identity, InetSocketAddress bind, BackboneSettings settings, DirectoryStore store) {
        return startBackbone(settings, store, b -> b.identity(identity).bindAddress(bind));
    }

    /** A backbone on a node that {@code node} configures. */
    Backbone startBackbone(BackboneSettings settings, DirectoryStore store, UnaryOperator<PilotNode.Builder> node) {
        backboneNode = nodes.start(node);
        backbone = Backbone.start(backboneNode, settings, store);
        closeables.add(backbone);
        return backbone;
    }

    PilotNode node() {
        return nodes.start();
    }

    /** A started agent registered under {@code hostname}. */
    DirectoryClient agent(String hostname, UnaryOperator<DirectoryClient.Builder> customizer) {
        PilotNode node = nodes.start();
        return agent(node, hostname, customizer);
    }

    DirectoryClient agent(PilotNode node, String hostname, UnaryOperator<DirectoryClient.Builder> customizer) {
        DirectoryClient client = client(node, hostname, customizer);
        client.start().join();
        return client;
    }

    /** An agent configured but not started. */
    DirectoryClient client(PilotNode node, String hostname, UnaryOperator<DirectoryClient.Builder> customizer) {
        DirectoryClient client = customizer.apply(DirectoryClient.builder(node).hostname(hostname)
                .backbone(backboneNode.localEndpoint(), backboneNode.publicKey())).build();
        closeables.add(0, client);
        return client;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // best effort: the nodes below are closed anyway
            }
        }
        nodes.afterEach(context);
    }
}
