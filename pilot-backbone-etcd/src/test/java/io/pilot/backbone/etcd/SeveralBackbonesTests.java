package io.pilot.backbone.etcd;

import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.Message;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Several backbones of one realm on one real etcd, with real agents on loopback. */
class SeveralBackbonesTests {

    @TempDir
    Path dir;

    private EtcdProcess etcd;
    private Realm realm;

    @BeforeEach
    void startEtcd() throws Exception {
        etcd = EtcdProcess.start(dir);
        realm = new Realm("etcd://" + etcd.endpoint());
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
    void agentsRegisteredThroughDifferentBackbonesFindAndCallEachOther() {
        Backbone one = realm.backbone();
        Backbone two = realm.backbone();
        Backbone three = realm.backbone();
        DirectoryClient alice = realm.agent(one, "alice", b -> b);
        DirectoryClient bob = realm.agent(two, "bob", b -> b);
        DirectoryClient carol = realm.agent(three, "carol", b -> b);
        alice.node().listen(1000, in -> CompletableFuture.completedFuture(Message.of(("hi " + in.from())
                .getBytes(StandardCharsets.UTF_8))));

        NodeRecord found = bob.lookup("alice").join();
        assertThat(found.address()).isEqualTo(alice.node().address());
        assertThat(carol.lookup("bob").join().address()).isEqualTo(bob.node().address());
        Message reply = bob.node().request(new PilotSocketAddress(found.address(), 1000), Message.of(new byte[0])).join();
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo("hi " + bob.node().address());
        assertThat(carol.node().ping(alice.node().address()).join()).isPositive();
        await().atMost(10, TimeUnit.SECONDS).until(() -> one.registrations() == 3 && two.registrations() == 3
                && three.registrations() == 3);
    }

    @Test
    void aWatchOnOneBackboneHearsRegistrationsThroughAnotherInOrder() {
        Backbone one = realm.backbone();
        Backbone two = realm.backbone();
        DirectoryClient watcher = realm.agent(two, "watcher", b -> b);
        List<String> events = new CopyOnWriteArrayList<>();
        watcher.watch(Query.CAPABILITY, "fx.rate", new DirectoryClient.WatchListener() {
            @Override
            public void joined(NodeRecord record) {
                events.add("join " + record.hostname());
            }

            @Override
            public void updated(NodeRecord record) {
                events.add("update " + record.hostname());
            }

            @Override
            public void left(NodeRecord record) {
                events.add("leave " + record.hostname());
            }
        }).join();

        List<DirectoryClient> providers = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            providers.add(realm.agent(one, "fx-" + i, b -> b.capability("fx.rate")));
        }
        providers.get(0).close();

        await().atMost(20, TimeUnit.SECONDS).until(() -> events.size() >= 6);
        assertThat(events).containsExactly("join fx-1", "join fx-2", "join fx-3", "join fx-4", "join fx-5", "leave fx-1");
        assertThat(one.revision()).isEqualTo(two.revision());
    }

    @Test
    void ofTwoKeysRacingForOneHostnameThroughTwoBackbonesExactlyOneWins() {
        Backbone one = realm.backbone();
        Backbone two = realm.backbone();
        for (int round = 0; round < 5; round++) {
            String hostname = "contested-" + round;
            DirectoryClient first = realm.client(one, hostname, b -> b);
            DirectoryClient second = realm.client(two, hostname, b -> b);
            CompletableFuture<NodeRecord> a = first.start();
            CompletableFuture<NodeRecord> b = second.start();
            List<Throwable> failures = new ArrayList<>();
            int wins = 0;
            for (CompletableFuture<NodeRecord> attempt : List.of(a, b)) {
                try {
                    attempt.join();
                    wins++;
                } catch (CompletionException e) {
                    failures.add(e.getCause());
                }
            }
            assertThat(wins).as("round " + round).isEqualTo(1);
            assertThat(failures).singleElement().isInstanceOfSatisfying(DirectoryException.class,
                    e -> assertThat(e.error()).isEqualTo(DirectoryError.HOSTNAME_TAKEN));
            DirectoryClient winner = a.isCompletedExceptionally() ? second : first;
            assertThat(realm.agent(one, "observer-" + round, c -> c).lookup(hostname).join().address())
                    .isEqualTo(winner.node().address());
        }
    }

    @Test
    void withEtcdDownLookupsAreAnsweredAndRegistrationsRefusedUntilItReturns() throws Exception {
        Backbone one = realm.backbone();
        Backbone two = realm.backbone();
        DirectoryClient alice = realm.agent(one, "alice", b -> b);
        DirectoryClient bob = realm.agent(two, "bob", b -> b);
        await().atMost(10, TimeUnit.SECONDS).until(() -> two.registrations() == 2);

        etcd.stop();
        assertThat(bob.lookup("alice").join().address()).isEqualTo(alice.node().address());
        DirectoryClient late = realm.client(one, "late", b -> b);
        assertThatThrownBy(() -> late.start().join()).hasCauseInstanceOf(DirectoryException.class)
                .cause().satisfies(e -> {
                    assertThat(((DirectoryException) e).error()).isEqualTo(DirectoryError.STORE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("etcd at http://" + etcd.endpoint());
                });

        etcd.start();
        late.registered().get(60, TimeUnit.SECONDS);
        // Another backbone holds it once its resumed watch delivers it: asynchronous, so awaited.
        await().atMost(20, TimeUnit.SECONDS).until(() -> one.revision() == two.revision()
                && one.registrations() == 3 && two.registrations() == 3);
        assertThat(bob.lookup("late").join().address()).isEqualTo(late.node().address());
        assertThat(alice.status()).isEqualTo(DirectoryClient.Status.REGISTERED);
    }
}
