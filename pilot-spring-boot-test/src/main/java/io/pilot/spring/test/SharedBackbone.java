package io.pilot.spring.test;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.SpringApplication;
import org.springframework.util.FileSystemUtils;

/**
 * The one backbone the tests of a JVM share. Starting a backbone per test class would multiply sockets and
 * threads for nothing: agents of different contexts only see each other if they share it anyway.
 *
 * <p>It stops through Boot's shutdown handlers, which run after every application context has closed, so
 * agents deregister from a backbone that still answers instead of waiting for one that is gone.
 */
final class SharedBackbone {

    private static SharedBackbone instance;

    private final PilotNode node;
    private final Backbone backbone;
    private final Path identities;
    private final BackboneObserver observer;
    private final AtomicInteger agents = new AtomicInteger();

    private SharedBackbone(PilotNode node, Backbone backbone, Path identities) {
        this.node = node;
        this.backbone = backbone;
        this.identities = identities;
        this.observer = BackboneObserver.watching(endpoint(), node.publicKey());
    }

    static synchronized SharedBackbone get() {
        if (instance == null) {
            Path identities;
            try {
                identities = Files.createTempDirectory("pilot-test-identities");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for the test agents' identities", e);
            }
            PilotNode node = PilotNode.builder().identity(Identity.generate(new SecureRandom()))
                    .bindAddress("127.0.0.1", 0).answerStun(true).build().start();
            instance = new SharedBackbone(node, Backbone.start(node, BackboneSettings.DEFAULTS, DirectoryStore.none()),
                    identities);
            SpringApplication.getShutdownHandlers().add(instance::close);
        }
        return instance;
    }

    /** Where agents reach it: loopback, the port it bound. */
    InetSocketAddress endpoint() {
        return new InetSocketAddress("127.0.0.1", node.localEndpoint().getPort());
    }

    NodeKey key() {
        return node.publicKey();
    }

    BackboneObserver observer() {
        return observer;
    }

    /**
     * What makes an application an agent of this backbone, besides where the backbone is: no backbone of its own,
     * loopback, any free port, an identity of its own, and no control socket (tests of one machine would otherwise
     * share {@code ~/.pilot/run}).
     */
    Map<String, Object> agentSettings() {
        return Map.of("pilot.backbone.embedded", "false",
                "pilot.bind.address", "127.0.0.1",
                "pilot.bind.port", "0",
                "pilot.control.enabled", "false",
                "pilot.identity.path", identities.resolve("agent-" + agents.incrementAndGet() + ".key").toString());
    }

    /** {@link #agentSettings()} and where the backbone is, as properties: for an application started without the kit's beans. */
    Map<String, Object> agentProperties() {
        Map<String, Object> properties = new HashMap<>(agentSettings());
        properties.put("pilot.backbone.address", "127.0.0.1:" + node.localEndpoint().getPort());
        properties.put("pilot.backbone.key", node.publicKey().toString());
        return properties;
    }

    private void close() {
        observer.close();
        backbone.close();
        node.close();
        FileSystemUtils.deleteRecursively(identities.toFile());
    }
}
