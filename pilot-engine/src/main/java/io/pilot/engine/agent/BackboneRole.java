package io.pilot.engine.agent;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.backbone.DirectoryStores;
import io.pilot.engine.identity.NodeKey;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * The backbone an agent runs: the role on the agent's own node (a standalone backbone), or on a node of its
 * own beside the agent's (an application that brings its backbone along, and registers with it). Opens the
 * directory store, starts the role, and closes what it started.
 */
final class BackboneRole implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackboneRole.class);

    private final PilotNode.Builder ownNode;
    private final BackboneSettings settings;
    private final String store;
    private final WebSocketServing webSocket;
    private PilotNode node;
    private Backbone backbone;

    /**
     * @param ownNode the node it runs on, or null: on the agent's node
     * @param store the directory store's folder or URL ({@link DirectoryStores#open}), or null: the directory is
     *              kept in memory only
     */
    BackboneRole(PilotNode.Builder ownNode, BackboneSettings settings, String store, WebSocketServing webSocket) {
        this.ownNode = ownNode;
        this.webSocket = Objects.requireNonNull(webSocket, "webSocket");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = store;
    }

    /** Whether it runs on a node of its own, which the agent's node then registers with. */
    boolean hasOwnNode() {
        return ownNode != null;
    }

    /**
     * Starts its own node if it has one, opens the store and starts serving the directory.
     *
     * @param agentNode the agent's started node, which it runs on unless it has one of its own
     * @throws IllegalStateException if its node cannot bind or the store cannot be opened (saying why);
     *         {@link #close} then closes what was started
     */
    Backbone start(PilotNode agentNode) {
        node = ownNode != null ? ownNode.build().start() : agentNode;
        DirectoryStore directory = openStore();
        try {
            backbone = Backbone.start(node, settings, directory);
        } catch (RuntimeException e) {
            directory.close();
            throw e;
        }
        listenWebSocket();
        return backbone;
    }

    /** TCP for nodes whose UDP is blocked: the UDP port number (if free), then the extra binds (which must bind). */
    private void listenWebSocket() {
        if (webSocket.samePort()) {
            try {
                node.listenWebSocket(List.of(node.localEndpoint()), webSocket.tls(), webSocket.maxConnections());
            } catch (IllegalStateException e) {
                log.warn("the backbone serves no WebSocket on its UDP port number: {}", e.getMessage());
            }
        }
        if (!webSocket.extraBinds().isEmpty()) {
            node.listenWebSocket(webSocket.extraBinds(), webSocket.tls(), webSocket.maxConnections());
        }
    }

    private DirectoryStore openStore() {
        try {
            return DirectoryStores.open(store, node.address().realm(), settings);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The started role; null before start and after close. */
    Backbone backbone() {
        return backbone;
    }

    /** Where a node on this machine reaches the started role: its endpoint, a wildcard bind as loopback. */
    InetSocketAddress endpoint() {
        return HostPort.reachable(node.localEndpoint());
    }

    /** The key of the node the started role runs on, which registering nodes pin. */
    NodeKey key() {
        return node.publicKey();
    }

    /** Stops serving the directory (closing the store), then closes its own node if it has one. Idempotent. */
    @Override
    public void close() {
        if (backbone != null) {
            backbone.close();
            backbone = null;
        }
        if (ownNode != null && node != null) {
            node.close();
        }
        node = null;
    }
}
