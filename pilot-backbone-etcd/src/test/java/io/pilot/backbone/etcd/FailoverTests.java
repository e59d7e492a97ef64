package io.pilot.backbone.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.Endpoint;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.Message;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that know several backbones of one realm, each backbone in a JVM of its own on one real etcd: the
 * backbone an agent is attached to is killed with SIGKILL mid-traffic.
 */
class FailoverTests {

    /** The backbones' lease: the agents' heartbeats come every third of it, their etcd lease is kept alive as often. */
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
    void anAgentWhoseBackboneIsKilledMovesToAnotherBeforeItsRecordLapses() throws Exception {
        BackboneProcess one = realm.backbone("one");
        BackboneProcess two = realm.backbone("two");
        List<InetSocketAddress> both = List.of(one.endpoint(), two.endpoint());
        DirectoryClient alice = realm.agent("alice", both);
        InetSocketAddress attached = alice.backboneEndpoint().orElseThrow();
        BackboneProcess doomed = attached.equals(one.endpoint()) ? one : two;
        BackboneProcess survivor = doomed == one ? two : one;

        // A watcher that knows only the backbone that survives: it must never hear alice leave.
        DirectoryClient watcher = realm.agent("watcher", List.of(survivor.endpoint()));
        List<String> events = new CopyOnWriteArrayList<>();
        watcher.watch(Query.HOSTNAME, "alice", ChangeRecorder.into(events)).join();
        // Bob knows both backbones and calls alice over an established tunnel throughout.
        DirectoryClient bob = realm.agent("bob", both);
        alice.node().listen(1000, in -> CompletableFuture.completedFuture(Message.of("pong".getBytes(StandardCharsets.UTF_8))));
        PilotSocketAddress aliceService = new PilotSocketAddress(bob.resolve("alice").join(), 1000);
        AtomicBoolean calling = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread traffic = new Thread(() -> {
            while (calling.get()) {
                try {
                    bob.node().request(aliceService, Message.of(new byte[0]), Duration.ofSeconds(5)).join();
                    calls.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        });
        traffic.start();

        try (Client etcdClient = Client.builder().endpoints("http://" + etcd.endpoint()).build()) {
            long doomedLease = recordOf(etcdClient, alice).orElseThrow().getLease();
            int before = calls.get();
            doomed.kill();

            await().atMost(60, TimeUnit.SECONDS).until(() -> alice.backboneEndpoint().equals(Optional.of(survivor.endpoint()))
                    && alice.status() == DirectoryClient.Status.REGISTERED);
            // Wait until etcd has expired the killed backbone's lease: its other records are gone then.
            await().atMost(60, TimeUnit.SECONDS).until(() -> etcdClient.getLeaseClient()
                    .timeToLive(doomedLease, LeaseOption.DEFAULT).get(5, TimeUnit.SECONDS).getTTL() == -1);
            KeyValue record = recordOf(etcdClient, alice).orElseThrow();
            assertThat(record.getLease()).isNotEqualTo(doomedLease).isNotZero();
            await().atMost(30, TimeUnit.SECONDS).until(() -> calls.get() > before + 10);
        } finally {
            calling.set(false);
            traffic.join();
        }

        assertThat(failures).isEmpty();
        assertThat(events).noneMatch(event -> event.startsWith("leave ")).first().isEqualTo("join alice []");
        NodeRecord now = watcher.lookup("alice").join();
        assertThat(now.endpoints()).filteredOn(e -> e.kind() == Endpoint.Kind.RELAY).extracting(Endpoint::address)
                .containsExactly(survivor.endpoint());
        // An agent that knows only the surviving backbone finds alice, and calls her.
        DirectoryClient late = realm.agent("late", List.of(survivor.endpoint()));
        assertThat(late.lookup("alice").join().address()).isEqualTo(alice.node().address());
        assertThat(late.node().request(new PilotSocketAddress(alice.node().address(), 1000), Message.of(new byte[0]))
                .join().body()).asString(StandardCharsets.UTF_8).isEqualTo("pong");
    }

    @Test
    void anAgentStartsThroughTheNextBackboneWhenTheFirstItTriesIsDown() throws Exception {
        BackboneProcess one = realm.backbone("one");
        BackboneProcess two = realm.backbone("two");
        DirectoryClient provider = realm.agent("provider", List.of(two.endpoint()));
        InetSocketAddress dead = one.endpoint();
        one.kill();

        // Whichever of the two it picks first, it ends up attached to the live one and finds the provider.
        DirectoryClient agent = realm.agent("agent", List.of(dead, two.endpoint()));
        assertThat(agent.backboneEndpoint()).contains(two.endpoint());
        assertThat(agent.lookup("provider").join().address()).isEqualTo(provider.node().address());
    }

    private static Optional<KeyValue> recordOf(Client etcd, DirectoryClient agent) throws Exception {
        String key = "/pilot/realm/0/records/" + agent.node().address();
        return etcd.getKVClient().get(EtcdKeys.bytes(key)).get(5, TimeUnit.SECONDS).getKvs().stream().findFirst();
    }
}
