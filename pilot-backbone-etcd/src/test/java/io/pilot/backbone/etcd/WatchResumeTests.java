package io.pilot.backbone.etcd;

import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol.Query;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
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

    @TempDir
    Path dir;

    private EtcdProcess etcd;
    private ProcessRealm realm;

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdProcess.start(dir);
        realm = new ProcessRealm(etcd, dir, LEASE);
    }

    @AfterEach
    void stop() throws Exception {
        if (realm != null) {
            realm.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void aWatchMovedToAnotherBackboneHearsEveryChangeMadeDuringTheFailoverInOrderOnce() throws Exception {
        BackboneProcess one = realm.backbone("one", 0);
        BackboneProcess two = realm.backbone("two", 0);
        DirectoryClient watcher = realm.agent("watcher", List.of(one.endpoint(), two.endpoint()));
        BackboneProcess doomed = watcher.backboneEndpoint().orElseThrow().equals(one.endpoint()) ? one : two;
        BackboneProcess survivor = doomed == one ? two : one;
        DirectoryClient subject = realm.agent("subject", List.of(survivor.endpoint()));
        List<String> events = new CopyOnWriteArrayList<>();
        watcher.watch(Query.HOSTNAME, "subject", ChangeRecorder.into(events)).join();

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
        BackboneProcess one = realm.backbone("one", 0);
        BackboneProcess two = realm.backbone("two", 0);
        // The watcher knows one and a backbone that is not started yet: it attaches to one.
        DirectoryClient watcher = realm.agent("watcher", List.of(one.endpoint(), new InetSocketAddress("127.0.0.1", laterPort)));
        assertThat(watcher.backboneEndpoint()).contains(one.endpoint());
        DirectoryClient subject = realm.agent("subject", List.of(two.endpoint()));
        List<String> events = new CopyOnWriteArrayList<>();
        watcher.watch(Query.HOSTNAME, "subject", ChangeRecorder.into(events)).join();

        one.kill();
        subject.joinGroup("red", null).join();
        subject.joinGroup("blue", null).join();
        subject.leaveGroup("red").join();
        // Started after the changes: its history begins after them, so it cannot replay them.
        BackboneProcess later = realm.backbone("later", laterPort);

        await().atMost(90, TimeUnit.SECONDS).until(() -> watcher.backboneEndpoint().equals(Optional.of(later.endpoint()))
                && events.size() >= 2);
        await().during(2, TimeUnit.SECONDS).atMost(10, TimeUnit.SECONDS).until(() -> events.size() == 2);
        assertThat(events).containsExactly("join subject []", "update subject [blue]");
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
