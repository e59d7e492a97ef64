package io.pilot.backbone.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.CompactOption;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol.Query;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backbone cut off from etcd while etcd compacts the revisions it missed: its watch cannot resume there, so it
 * reloads the directory by itself and its replica and watchers converge, without a restart.
 */
class CompactedHistoryTests {

    @TempDir
    Path dir;

    private EtcdProcess etcd;
    private TcpForwarder forwarder;
    private Realm realm;

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdProcess.start(dir);
        String[] hostPort = etcd.endpoint().split(":");
        forwarder = TcpForwarder.start(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
        realm = new Realm("etcd://" + etcd.endpoint());
    }

    @AfterEach
    void stop() throws Exception {
        if (realm != null) {
            realm.close();
        }
        if (forwarder != null) {
            forwarder.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void aBackboneCutOffWhileEtcdCompactedReloadsAndItsWatchersHearTheDifference() throws Exception {
        Backbone cutOff = realm.backbone("etcd://127.0.0.1:" + forwarder.port());
        Backbone other = realm.backbone();
        DirectoryClient watcher = realm.agent(cutOff, "watcher", b -> b);
        DirectoryClient bob = realm.agent(other, "bob", b -> b.capability("fx"));
        DirectoryClient dave = realm.agent(other, "dave", b -> b.capability("fx"));
        // bob and dave registered on the other backbone: the cut-off one learns of them through etcd, a moment later.
        await().atMost(30, TimeUnit.SECONDS).until(() -> cutOff.registrations() == 3);
        List<String> events = new CopyOnWriteArrayList<>();
        watcher.watch(Query.CAPABILITY, "fx", ChangeRecorder.into(events)).join();
        await().atMost(10, TimeUnit.SECONDS).until(() -> events.size() >= 2);
        assertThat(events).containsExactlyInAnyOrder("join bob []", "join dave []");

        forwarder.cut();
        DirectoryClient carol = realm.agent(other, "carol", b -> b.capability("fx"));
        bob.close();
        dave.joinGroup("blue", null).join();
        try (Client etcdClient = Client.builder().endpoints("http://" + etcd.endpoint()).build()) {
            long now = etcdClient.getKVClient().get(EtcdKeys.bytes("/")).get(5, TimeUnit.SECONDS).getHeader().getRevision();
            etcdClient.getKVClient().compact(now, CompactOption.newBuilder().withCompactPhysical(true).build())
                    .get(5, TimeUnit.SECONDS);
        }
        assertThat(cutOff.registrations()).as("nothing reached the cut-off backbone: watcher, bob, dave").isEqualTo(3);
        forwarder.restore();

        await().atMost(60, TimeUnit.SECONDS).until(() -> events.size() >= 5);
        assertThat(events.subList(2, events.size())).containsExactlyInAnyOrder("join carol []", "leave bob []",
                "update dave [blue]");
        assertThat(cutOff.registrations()).isEqualTo(other.registrations()).isEqualTo(3);
        assertThat(watcher.lookup("carol").join().address()).isEqualTo(carol.node().address());
        // It follows etcd again: a change made after the reload reaches its watchers as usual.
        carol.joinGroup("green", null).join();
        await().atMost(30, TimeUnit.SECONDS).until(() -> events.contains("update carol [green]"));
    }
}
