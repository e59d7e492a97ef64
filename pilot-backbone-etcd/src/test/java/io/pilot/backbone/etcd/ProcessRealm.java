package io.pilot.backbone.etcd;

import io.pilot.engine.PilotNode;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.IdentityStore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One realm on one etcd with each backbone in a JVM of its own (so a test can SIGKILL one), sharing one identity
 * written to a key file, and agents registered through them in this JVM; all closed at the end, newest first.
 * {@link Realm} is the in-process counterpart.
 */
final class ProcessRealm implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final EtcdProcess etcd;
    private final Path dir;
    private final Duration lease;
    private final Identity backboneIdentity = Identity.generate(RANDOM);
    private final Path identityFile;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** A realm whose backbones keep records on {@code etcd} under {@code lease}; key file and logs go to {@code dir}. */
    ProcessRealm(EtcdProcess etcd, Path dir, Duration lease) throws IOException {
        this.etcd = etcd;
        this.dir = dir;
        this.lease = lease;
        this.identityFile = dir.resolve("realm.key");
        IdentityStore.write(identityFile, backboneIdentity);
    }

    /** A backbone JVM on a port of its choosing; its log is {@code backbone-NAME.log}. */
    BackboneProcess backbone(String name) throws IOException {
        return backbone(name, 0);
    }

    /** A backbone JVM on UDP {@code port} (0: any). */
    BackboneProcess backbone(String name, int port) throws IOException {
        BackboneProcess backbone = BackboneProcess.start(identityFile, "etcd://" + etcd.endpoint(), lease, port,
                dir.resolve("backbone-" + name + ".log"));
        closeables.add(0, backbone);
        return backbone;
    }

    /**
     * A registered agent that knows the backbones {@code endpoints} and detects a silent one within its request
     * timeout; it may register through any of them.
     */
    DirectoryClient agent(String hostname, List<InetSocketAddress> endpoints) {
        PilotNode node = PilotNode.builder().identity(Identity.generate(RANDOM)).bindAddress("127.0.0.1", 0).build().start();
        closeables.add(0, node);
        DirectoryClient client = DirectoryClient.builder(node).hostname(hostname)
                .backbones(endpoints, backboneIdentity.publicKey()).requestTimeout(Duration.ofSeconds(2)).build();
        closeables.add(0, client);
        try {
            client.start().join();
        } catch (RuntimeException firstBackboneDown) {
            // The first backbone tried did not answer: the client went on to the next one by itself.
        }
        try {
            client.registered().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(hostname + " did not register: " + e, e);
        }
        return client;
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // best effort: the rest is closed next
            }
        }
        closeables.clear();
    }
}
