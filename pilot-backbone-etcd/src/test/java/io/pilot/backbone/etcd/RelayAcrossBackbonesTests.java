package io.pilot.backbone.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.IdentityStore;
import io.pilot.engine.message.Message;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.WireFormat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
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
 * Nodes attached to different backbones of one realm that cannot reach each other directly relay through both
 * backbones: their own takes the RELAY and passes it to the other's as a FORWARD (docs/backbone-cluster.md). Real
 * backbones on a real etcd, real agents on loopback. The direct path is impossible for real, not faked: an agent
 * whose socket is bound to {@code ::1} (IPv6 only) and one bound to {@code 127.0.0.1} (IPv4 only) cannot send to
 * each other at all; the backbones, bound to the dual-stack {@code [::]}, reach both.
 */
class RelayAcrossBackbonesTests {

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

    private Backbone backbone() {
        return realm.backbone(b -> b.bindAddress("::", 0));
    }

    private static InetSocketAddress overIpv6(Backbone backbone) {
        return new InetSocketAddress("::1", backbone.node().localEndpoint().getPort());
    }

    private static InetSocketAddress overIpv4(Backbone backbone) {
        return new InetSocketAddress("127.0.0.1", backbone.node().localEndpoint().getPort());
    }

    /** A registered agent on a socket bound to {@code bind}, knowing the backbones at {@code backbones}. */
    private DirectoryClient agent(String hostname, String bind, List<InetSocketAddress> backbones) {
        return agent(hostname, bind, backbones, Duration.ofSeconds(15));
    }

    /**
     * As {@link #agent(String, String, List)}, moving to its next backbone when one does not answer within
     * {@code requestTimeout} (the first it tries too: it then starts through the next by itself).
     */
    private DirectoryClient agent(String hostname, String bind, List<InetSocketAddress> backbones, Duration requestTimeout) {
        PilotNode node = realm.node(b -> b.bindAddress(bind, 0));
        DirectoryClient client = realm.closeLater(DirectoryClient.builder(node).hostname(hostname)
                .backbones(backbones, realm.backboneKey()).requestTimeout(requestTimeout).build());
        node.listen(1000, in -> CompletableFuture.completedFuture(Message.of((hostname + " heard " + in.message().bodyAsString())
                .getBytes(StandardCharsets.UTF_8))));
        try {
            client.start().join();
        } catch (RuntimeException slowFirstBackbone) {
            // it did not answer in time (a loaded machine): the client goes on to the next by itself
        }
        client.registered().orTimeout(60, TimeUnit.SECONDS).join();
        return client;
    }

    private static String call(DirectoryClient from, DirectoryClient to, String text) {
        PilotAddress target = to.node().address();
        return from.node().request(new PilotSocketAddress(target, 1000), Message.of(text), Duration.ofSeconds(10))
                .join().bodyAsString();
    }

    @Test
    void nodesOnDifferentBackbonesCallEachOtherBothWaysThroughTheirBackbonesAndOneRelaysWithTwoAtOnce() throws Exception {
        Backbone one = backbone();
        Backbone two = backbone();
        Backbone three = backbone();
        DirectoryClient alice = agent("alice", "::1", List.of(overIpv6(one)));
        DirectoryClient bob = agent("bob", "127.0.0.1", List.of(overIpv4(two)));
        DirectoryClient carol = agent("carol", "127.0.0.1", List.of(overIpv4(three)));
        // Every backbone knows every record (and so where each node is attached) once its etcd watch delivered it.
        await().atMost(10, TimeUnit.SECONDS).until(() -> one.registrations() == 3 && two.registrations() == 3
                && three.registrations() == 3);

        // Alice relays with two peers attached to two other backbones, both ways, at the same time.
        assertThat(call(bob, alice, "bob")).isEqualTo("alice heard bob");
        assertThat(call(alice, carol, "alice")).isEqualTo("carol heard alice");
        assertThat(call(alice, bob, "alice")).isEqualTo("bob heard alice");
        assertThat(call(carol, alice, "carol")).isEqualTo("alice heard carol");

        for (DirectoryClient peer : List.of(bob, carol)) {
            PeerInfo seenByAlice = alice.node().peer(peer.node().address()).orElseThrow();
            assertThat(seenByAlice.relayed()).isTrue();
            assertThat(seenByAlice.pathReason()).endsWith("through the relay at " + HostPort.format(overIpv6(one)));
        }
        PeerInfo seenByBob = bob.node().peer(alice.node().address()).orElseThrow();
        assertThat(seenByBob.relayed()).isTrue();
        assertThat(seenByBob.pathReason()).endsWith("through the relay at " + HostPort.format(overIpv4(two)));
        assertThat(carol.node().peer(alice.node().address()).orElseThrow().pathReason())
                .endsWith("through the relay at " + HostPort.format(overIpv4(three)));
        // Each backbone passed its node's datagrams on to the others' backbones.
        assertThat(List.of(one, two, three)).allSatisfy(backbone -> assertThat(backbone.forwardedBytes()).isPositive());

        // Bulk over the two backbones, sealed end to end: the digest of what arrived is the digest of what was sent.
        byte[] big = new byte[384 * 1024];
        new Random(7).nextBytes(big);
        bob.node().listen(1001, in -> CompletableFuture.completedFuture(Message.of(Integer.toString(
                Arrays.hashCode(in.message().body())).getBytes(StandardCharsets.UTF_8))));
        assertThat(alice.node().request(new PilotSocketAddress(bob.node().address(), 1001), Message.of(big),
                Duration.ofSeconds(30)).join().bodyAsString()).isEqualTo(Integer.toString(Arrays.hashCode(big)));
    }

    @Test
    void forwardsFromSomethingThatIsNoBackboneOfTheRealmAreDroppedAndCountedAndBadAnnouncementsIgnored() throws Exception {
        ByteSequence notAnEndpoint = EtcdKeys.bytes("/pilot/realm/0/backbones/abc");
        ByteSequence notALease = EtcdKeys.bytes("/pilot/realm/0/backbones/not-a-lease");
        try (Client client = Client.builder().endpoints("http://" + etcd.endpoint()).build()) {
            client.getKVClient().put(notAnEndpoint, EtcdKeys.bytes("nowhere")).get(10, TimeUnit.SECONDS);
            client.getKVClient().put(notALease, EtcdKeys.bytes("127.0.0.1:9")).get(10, TimeUnit.SECONDS);
        }
        Backbone one = backbone();
        Backbone two = backbone();
        DirectoryClient alice = agent("alice", "::1", List.of(overIpv6(one)));
        DirectoryClient bob = agent("bob", "127.0.0.1", List.of(overIpv4(two)));
        long bobDropsBefore = bob.node().stats().drops().values().stream().mapToLong(Long::longValue).sum();
        PilotAddress from = alice.node().address();
        PilotAddress to = bob.node().address();
        byte[] forged = ByteBuffer.allocate(WireFormat.FORWARD_HEADER_LENGTH + 40).put((byte) WireFormat.TYPE_FORWARD)
                .put((byte) WireFormat.VERSION).putShort((short) 0)
                .putShort((short) from.realm()).putShort((short) (from.node() >>> 32)).putInt((int) from.node())
                .putShort((short) to.realm()).putShort((short) (to.node() >>> 32)).putInt((int) to.node())
                .put(new byte[16]).put((byte) WireFormat.TYPE_DATA).put((byte) WireFormat.VERSION).array();
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            for (int i = 0; i < 5; i++) {
                stranger.send(new DatagramPacket(forged, forged.length, overIpv4(two)));
            }
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> two.node().stats().dropped(DropReason.BAD_TAG) == 5);
        assertThat(two.node().relayedBytes()).isZero();
        assertThat(bob.node().stats().drops().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(bobDropsBefore);
        // The realm's own relaying is untouched by both; the bad announcements stay in etcd as they were.
        assertThat(call(alice, bob, "still")).isEqualTo("bob heard still");
        assertThat(one.forwardedBytes()).isPositive();
        try (Client client = Client.builder().endpoints("http://" + etcd.endpoint()).build()) {
            assertThat(client.getKVClient().get(notAnEndpoint).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue())
                    .isEqualTo(EtcdKeys.bytes("nowhere"));
        }
    }

    @Test
    void whenTheBackboneOfOneEndIsKilledItFailsOverAndTheRelayResumesThroughItsNewBackbone() throws Exception {
        Backbone one = backbone();
        Path identity = dir.resolve("realm.key");
        IdentityStore.write(identity, realm.backboneIdentity());
        // A patient etcd client: two JVMs starting at once on a loaded machine.
        String store = "etcd://" + etcd.endpoint() + "?timeout-ms=20000";
        // Bob's backbones in JVMs of their own, killed with SIGKILL: nothing of the dead one gets to close.
        BackboneProcess two = realm.closeLater(BackboneProcess.start(identity, store,
                Duration.ofSeconds(10), dir.resolve("two.log"), "::"));
        BackboneProcess three = realm.closeLater(BackboneProcess.start(identity, store,
                Duration.ofSeconds(10), dir.resolve("three.log"), "::"));
        DirectoryClient alice = agent("alice", "::1", List.of(overIpv6(one)));
        // Bob notices a silent backbone within 5 s, well within his record's 10 s lease.
        DirectoryClient bob = agent("bob", "127.0.0.1", List.of(two.endpoint(), three.endpoint()), Duration.ofSeconds(5));
        BackboneProcess doomed = bob.backboneEndpoint().orElseThrow().equals(two.endpoint()) ? two : three;
        BackboneProcess survivor = doomed == two ? three : two;
        await().atMost(10, TimeUnit.SECONDS).until(() -> one.registrations() == 2);
        assertThat(call(alice, bob, "before")).isEqualTo("bob heard before");

        AtomicBoolean calling = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        Thread traffic = new Thread(() -> {
            while (calling.get()) {
                try {
                    call(alice, bob, "during");
                    calls.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.incrementAndGet(); // while bob's backbone is dead and he has not re-attached: reported
                }
            }
        });
        traffic.start();
        try {
            await().atMost(10, TimeUnit.SECONDS).until(() -> calls.get() > 5);
            doomed.kill();

            await().atMost(60, TimeUnit.SECONDS).until(() -> bob.backboneEndpoint().equals(Optional.of(survivor.endpoint()))
                    && bob.status() == DirectoryClient.Status.REGISTERED);
            long forwardedAtMove = one.forwardedBytes();
            int callsAtMove = calls.get();
            await().atMost(30, TimeUnit.SECONDS).until(() -> calls.get() > callsAtMove + 10);
            assertThat(one.forwardedBytes()).as("alice's backbone forwards to bob's new one").isGreaterThan(forwardedAtMove);
        } finally {
            calling.set(false);
            traffic.join();
        }
        System.out.println("calls alice -> bob across the failover: " + calls.get() + " answered, " + failures.get() + " failed");
        assertThat(call(bob, alice, "after")).isEqualTo("alice heard after");
        PeerInfo seenByBob = bob.node().peer(alice.node().address()).orElseThrow();
        assertThat(seenByBob.relayed()).isTrue();
        assertThat(seenByBob.pathReason()).endsWith("through the relay at " + HostPort.format(survivor.endpoint()));
    }
}
