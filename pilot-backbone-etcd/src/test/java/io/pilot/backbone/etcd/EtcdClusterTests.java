package io.pilot.backbone.etcd;

import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.directory.DirectoryClient;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Backbones on a three-member etcd cluster, one member killed and restarted while they serve. */
class EtcdClusterTests {

    @TempDir
    Path dir;

    private List<EtcdProcess> members = List.of();
    private Realm realm;

    @AfterEach
    void stop() throws Exception {
        if (realm != null) {
            realm.close();
        }
        for (EtcdProcess member : members) {
            member.close();
        }
    }

    @Test
    void backbonesKeepServingWhileOneMemberIsKilledAndRestarted() throws Exception {
        members = EtcdProcess.cluster(dir, 3);
        realm = new Realm("etcd://" + members.stream().map(EtcdProcess::endpoint).collect(Collectors.joining(",")));
        Backbone one = realm.backbone();
        Backbone two = realm.backbone();
        DirectoryClient alice = realm.agent(one, "alice", b -> b);

        members.get(0).kill();
        // Two of three members are a quorum: registrations through either backbone are committed and seen at both.
        DirectoryClient bob = realm.client(two, "bob", b -> b);
        bob.start();
        bob.registered().get(60, TimeUnit.SECONDS);
        // Committed through two, it reaches one by one's etcd watch (which the kill just broke off and restarted):
        // wait for it there, as for carol below, before asking one. A lookup answers from the replica it has.
        await().atMost(30, TimeUnit.SECONDS).until(() -> one.registrations() == 2 && two.registrations() == 2);
        assertThat(alice.lookup("bob").join().address()).isEqualTo(bob.node().address());
        assertThat(bob.lookup("alice").join().address()).isEqualTo(alice.node().address());

        members.get(0).start();
        DirectoryClient carol = realm.client(one, "carol", b -> b);
        carol.start();
        carol.registered().get(60, TimeUnit.SECONDS);
        await().atMost(30, TimeUnit.SECONDS).until(() -> one.revision() == two.revision()
                && one.registrations() == 3 && two.registrations() == 3);
        assertThat(bob.lookup("carol").join().address()).isEqualTo(carol.node().address());
        assertThat(alice.status()).isEqualTo(DirectoryClient.Status.REGISTERED);
        assertThat(bob.status()).isEqualTo(DirectoryClient.Status.REGISTERED);
    }
}
