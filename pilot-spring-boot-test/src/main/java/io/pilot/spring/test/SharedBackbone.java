package io.pilot.spring.test;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.identity.Identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
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
    private final AtomicInteger agents = new AtomicInteger();

    private SharedBackbone(PilotNode node, Backbone backbone, Path identities) {
        this.node = node;
        this.backbone = backbone;
        this.identities = identities;
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

    /** What makes an application an agent of this backbone: loopback, any free port, an identity of its own. */
    Map<String, Object> agentProperties() {
        return Map.of("pilot.backbone.address", "127.0.0.1:" + node.localEndpoint().getPort(),
                "pilot.backbone.key", node.publicKey().toString(),
                "pilot.backbone.embedded", "false",
                "pilot.bind.address", "127.0.0.1",
                "pilot.bind.port", "0",
                "pilot.identity.path", identities.resolve("agent-" + agents.incrementAndGet() + ".key").toString());
    }

    private void close() {
        backbone.close();
        node.close();
        FileSystemUtils.deleteRecursively(identities.toFile());
    }
}
