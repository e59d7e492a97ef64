package io.pilot.backbone.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.Endpoint;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.IdentityStore;
import io.pilot.engine.message.Message;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
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
    void anAgentWhoseBackboneIsKilledMovesToAnotherBeforeItsRecordLapses() throws Exception {
        BackboneProcess one = backbone("one");
        BackboneProcess two = backbone("two");
        List<InetSocketAddress> both = List.of(one.endpoint(), two.endpoint());
        DirectoryClient alice = agent("alice", both);
        InetSocketAddress attached = alice.backboneEndpoint().orElseThrow();
        BackboneProcess doomed = attached.equals(one.endpoint()) ? one : two;
        BackboneProcess survivor = doomed == one ? two : one;

        // A watcher that knows only the backbone that survives: it must never hear alice leave.
        DirectoryClient watcher = agent("watcher", List.of(survivor.endpoint()));
        List<String> events = new CopyOnWriteArrayList<>();
        watcher.watch(Query.HOSTNAME, "alice", recorder(events)).join();
        // Bob knows both backbones and calls alice over an established tunnel throughout.
        DirectoryClient bob = agent("bob", both);
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
        assertThat(events).doesNotContain("leave alice").first().isEqualTo("join alice");
        NodeRecord now = watcher.lookup("alice").join();
        assertThat(now.endpoints()).filteredOn(e -> e.kind() == Endpoint.Kind.RELAY).extracting(Endpoint::address)
                .containsExactly(survivor.endpoint());
        // An agent that knows only the surviving backbone finds alice, and calls her.
        DirectoryClient late = agent("late", List.of(survivor.endpoint()));
        assertThat(late.lookup("alice").join().address()).isEqualTo(alice.node().address());
        assertThat(late.node().request(new PilotSocketAddress(alice.node().address(), 1000), Message.of(new byte[0]))
                .join().body()).asString(StandardCharsets.UTF_8).isEqualTo("pong");
    }

    @Test
    void anAgentStartsThroughTheNextBackboneWhenTheFirstItTriesIsDown() throws Exception {
        BackboneProcess one = backbone("one");
        BackboneProcess two = backbone("two");
        DirectoryClient provider = agent("provider", List.of(two.endpoint()));
        InetSocketAddress dead = one.endpoint();
        one.kill();

        // Whichever of the two it picks first, it ends up attached to the live one and finds the provider.
        DirectoryClient agent = agent("agent", List.of(dead, two.endpoint()));
        assertThat(agent.backboneEndpoint()).contains(two.endpoint());
        assertThat(agent.lookup("provider").join().address()).isEqualTo(provider.node().address());
    }

    private BackboneProcess backbone(String name) throws Exception {
        BackboneProcess backbone = BackboneProcess.start(identityFile, "etcd://" + etcd.endpoint(), LEASE,
                dir.resolve("backbone-" + name + ".log"));
        closeables.add(0, backbone);
        return backbone;
    }

    /** A registered agent that knows the backbones {@code endpoints}, and detects a silent one within its lease. */
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

    private static Optional<KeyValue> recordOf(Client etcd, DirectoryClient agent) throws Exception {
        String key = "/pilot/realm/0/records/" + agent.node().address();
        return etcd.getKVClient().get(EtcdKeys.bytes(key)).get(5, TimeUnit.SECONDS).getKvs().stream().findFirst();
    }

    private static DirectoryClient.WatchListener recorder(List<String> events) {
        return new DirectoryClient.WatchListener() {
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
        };
    }
}
