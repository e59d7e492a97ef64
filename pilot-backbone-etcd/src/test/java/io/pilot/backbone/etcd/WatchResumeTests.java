package io.pilot.backbone.etcd;

import io.pilot.engine.PilotNode;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.IdentityStore;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A watch whose backbone is killed (SIGKILL, backbones in JVMs of their own on one real etcd) resumes at another
 * backbone of the realm from the last revision it heard: its listener hears every change made meanwhile, in order,
 * once each; where the new backbone's history does not reach back that far, it hears the difference instead.
 */
class WatchResumeTests {

    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private EtcdProcess etcd;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Identity backboneIdentity;
    private Path identityFile;

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdProcess.start(dir);
        backboneIdentity = Identity.generate(RANDOM);
        identityFile = dir.resolve("realm.key");
        IdentityStore.write(identityFile, backboneIdentity);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // best effort: the rest is closed next
            }
        }
        etcd.close();
    }

    @Test
    void aWatchMovedToAnotherBackboneHearsEveryChangeMadeDuringTheFailoverInOrderOnce() throws Exception {
        BackboneProcess one = backbone("one", 0);
        BackboneProcess two = backbone("two", 0);
        DirectoryClient watcher = agent("watcher", List.of(one.endpoint(), two.endpoint()));
        BackboneProcess doomed = watcher.backboneEndpoint().orElseThrow().equals(one.endpoint()) ? one : two;
        BackboneProcess survivor = doomed == one ? two : one;
        DirectoryClient subject = agent("subject", List.of(survivor.endpoint()));
        List<String> events = new CopyOnWriteArrayList<>();
        watcher.watch(Query.HOSTNAME, "subject", recorder(events)).join();

        doomed.kill();
        // Three changes of one node through the surviving backbone, while the watcher is still attached to the
        // dead one (it notices at its next heartbeat, up to a third of the lease later).
        subject.joinGroup("red", null).join();
        subject.joinGroup("blue", null).join();
        subject.leaveGroup("red").join();

        await().atMost(60, TimeUnit.SECONDS).until(() -> watcher.backboneEndpoint().equals(Optional.of(survivor.endpoint()))
                && events.size() >= 4);
        // Nothing more comes: each change was heard once.
        await().during(2, TimeUnit.SECONDS).atMost(10, TimeUnit.SECONDS).until(() -> events.size() == 4);
        assertThat(events).containsExactly("join subject []", "update subject [red]", "update subject [blue, red]",
                "update subject [blue]");
    }

    @Test
    void whereTheNewBackbonesHistoryDoesNotReachBackTheWatchHearsTheDifference() throws Exception {
        int laterPort = freeUdpPort();
        BackboneProcess one = backbone("one", 0);
        BackboneProcess two = backbone("two", 0);
        // The watcher knows one and a backbone that is not started yet: it attaches to one.
        DirectoryClient watcher = agent("watcher", List.of(one.endpoint(), new InetSocketAddress("127.0.0.1", laterPort)));
        assertThat(watcher.backboneEndpoint()).contains(one.endpoint());
        DirectoryClient subject = agent("subject", List.of(two.endpoint()));
        List<String> events = new CopyOnWriteArrayList<>();
        watcher.watch(Query.HOSTNAME, "subject", recorder(events)).join();

        one.kill();
        subject.joinGroup("red", null).join();
        subject.joinGroup("blue", null).join();
        subject.leaveGroup("red").join();
        // Started after the changes: its history begins after them, so it cannot replay them.
        BackboneProcess later = backbone("later", laterPort);

        await().atMost(90, TimeUnit.SECONDS).until(() -> watcher.backboneEndpoint().equals(Optional.of(later.endpoint()))
                && events.size() >= 2);
        await().during(2, TimeUnit.SECONDS).atMost(10, TimeUnit.SECONDS).until(() -> events.size() == 2);
        assertThat(events).containsExactly("join subject []", "update subject [blue]");
    }

    private BackboneProcess backbone(String name, int port) throws Exception {
        BackboneProcess backbone = BackboneProcess.start(identityFile, "etcd://" + etcd.endpoint(), LEASE, port,
                dir.resolve("backbone-" + name + ".log"));
        closeables.add(0, backbone);
        return backbone;
    }

    private DirectoryClient agent(String hostname, List<InetSocketAddress> endpoints) {
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

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static DirectoryClient.WatchListener recorder(List<String> events) {
        return new DirectoryClient.WatchListener() {
            @Override
            public void joined(NodeRecord record) {
                events.add("join " + record.hostname() + " " + record.groups());
            }

            @Override
            public void updated(NodeRecord record) {
                events.add("update " + record.hostname() + " " + record.groups());
            }

            @Override
            public void left(NodeRecord record) {
                events.add("leave " + record.hostname() + " " + record.groups());
            }
        };
    }
}
