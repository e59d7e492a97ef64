package io.pilot.engine.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.Endpoint;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.message.Message;
import io.pilot.engine.UdpForwarder;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.WireFormat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.TreeSet;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attacks on paths over real sockets: a packet from an address the peer never proved, a peer table flooded
 * with peers that come once, and PUNCH requests aimed at addresses the requester chose. Each victim keeps
 * serving its legitimate peers, and what the attacker gets out of it is bounded.
 */
class PathAttackTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private Backbone backbone;
    private DirectoryClient directoryClient;

    @AfterEach
    void stopDirectory() {
        if (directoryClient != null) {
            directoryClient.close();
        }
        if (backbone != null) {
            backbone.close();
        }
    }

    /**
     * A registered node publishes a bystander's address as its own endpoint and asks the backbone to have a
     * target punch towards it: the target punches only where the backbone saw the requester, so the
     * requester gets its handshake and the bystander gets nothing.
     */
    @Test
    void punchGoesOnlyWhereTheBackboneSawTheRequester() throws Exception {
        PilotNode backboneNode = nodes.start();
        backbone = Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none());
        PilotNode target = nodes.start();
        directoryClient = DirectoryClient.builder(target).hostname("target")
                .backbone(backboneNode.localEndpoint(), backboneNode.publicKey()).build();
        directoryClient.start().join();
        PilotNode attacker = nodes.start();
        attacker.connect(backboneNode.publicKey(), backboneNode.localEndpoint()).join();
        try (DatagramSocket bystander = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            NodeRecord lie = new NodeRecord(0, attacker.publicKey(), "attacker", List.of(), new TreeSet<>(),
                    List.of(new Endpoint(Endpoint.Kind.LOCAL, (InetSocketAddress) bystander.getLocalSocketAddress())),
                    System.currentTimeMillis(), System.currentTimeMillis() + 3_600_000);
            byte[] register = new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER).string8("").u8(0)
                    .bytes16(SignedRecord.sign(lie, attacker.identity()).toBytes()).toBytes();
            DirectoryProtocol.readReply(directory(attacker, backboneNode, register));
            byte[] punch = new BinaryWriter().u8(DirectoryProtocol.OP_PUNCH).u16(target.address().realm())
                    .u64(target.address().node()).toBytes();
            DirectoryProtocol.readReply(directory(attacker, backboneNode, punch));

            // The target's handshake reached the requester where the backbone saw it...
            await().atMost(10, TimeUnit.SECONDS).until(() -> attacker.peer(target.address())
                    .map(PeerInfo::established).orElse(false));
            // ... and its INITs to every punch target leave at once, so any to the bystander left with it.
            bystander.setSoTimeout(500);
            DatagramPacket received = new DatagramPacket(new byte[2048], 2048);
            boolean reached;
            try {
                bystander.receive(received);
                reached = true;
            } catch (SocketTimeoutException expected) {
                reached = false;
            }
            assertThat(reached).as("the target sent %s bytes to the address the requester chose", received.getLength())
                    .isFalse();
        }
    }

    /**
     * An on-path attacker takes one of a's small acknowledgements on its way to b and races it to b from its
     * own address, in the middle of b's bulk transfer to a. Before path validation b moved its whole send
     * window there at once; now b challenges the attacker's address, sends it at most three times what it
     * sent, keeps a's path and finishes the transfer.
     */
    @Test
    void aPacketRacedFromAnotherAddressDoesNotMoveTheSession() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        byte[] bulk = new byte[4 << 20];
        a.listen(60, MessageHandler.of(in -> Message.of("got " + in.message().body().length)));
        AtomicReference<byte[]> taken = new AtomicReference<>();
        CompletableFuture<byte[]> hijacked = new CompletableFuture<>();
        try (UdpForwarder path = new UdpForwarder(b.localEndpoint(), datagram -> {
            if (taken.get() == null && datagram[0] == WireFormat.TYPE_DATA && datagram.length < 100
                    && taken.compareAndSet(null, datagram)) {
                hijacked.complete(datagram);
                return null;
            }
            return datagram;
        }); DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            a.connect(b.publicKey(), path.address()).join();
            taken.set(null);
            var transfer = b.request(new PilotSocketAddress(a.address(), 60), Message.of(bulk));
            byte[] ack = hijacked.get(10, TimeUnit.SECONDS);
            attacker.send(new DatagramPacket(ack, ack.length, b.localEndpoint()));

            long received = drain(attacker);
            assertThat(transfer.get(30, TimeUnit.SECONDS).bodyAsString()).isEqualTo("got " + bulk.length);
            received += drain(attacker);
            assertThat(received).as("bytes b sent to the unvalidated address, for %s bytes from it", ack.length)
                    .isLessThanOrEqualTo(3L * ack.length);
            assertThat(b.peer(a.address()).orElseThrow().endpoint()).isEqualTo(path.address());
            assertThat(b.request(new PilotSocketAddress(a.address(), 60), Message.of("x")).join().bodyAsString())
                    .isEqualTo("got 1");
        }
    }

    /** A peer that really moves (a new NAT mapping: another forwarder) answers the challenge and is followed. */
    @Test
    void aGenuineRoamIsValidatedAndFollowed() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        a.listen(61, MessageHandler.of(in -> Message.of("a")));
        b.listen(61, MessageHandler.of(in -> Message.of("b")));
        try (UdpForwarder first = new UdpForwarder(b.localEndpoint());
             UdpForwarder second = new UdpForwarder(b.localEndpoint())) {
            a.connect(b.publicKey(), first.address()).join();
            assertThat(a.request(new PilotSocketAddress(b.address(), 61), Message.empty()).join().bodyAsString()).isEqualTo("b");
            long handshakes = b.stats().handshakesCompleted();

            a.connect(b.publicKey(), second.address()).join();
            first.close();
            assertThat(a.request(new PilotSocketAddress(b.address(), 61), Message.empty()).join().bodyAsString()).isEqualTo("b");
            await().atMost(5, TimeUnit.SECONDS).until(() -> b.peer(a.address()).orElseThrow().endpoint().equals(second.address()));
            assertThat(b.request(new PilotSocketAddress(a.address(), 61), Message.empty()).join().bodyAsString()).isEqualTo("a");
            assertThat(b.stats().handshakesCompleted()).isEqualTo(handshakes);
        }
    }

    /**
     * On the backbone: an authenticated packet of a's raced from the attacker's address must not make the relay
     * take the attacker for a, or the attacker could send through the relay in a's name.
     */
    @Test
    void aRacedPacketDoesNotRewriteTheRelaysEndpointIndex() throws Exception {
        PilotNode relay = nodes.start();
        relay.serveAsRelay(true);
        PilotNode a = nodes.start();
        PilotNode c = nodes.start();
        c.connect(relay.publicKey(), relay.localEndpoint()).join();
        CompletableFuture<byte[]> hijacked = new CompletableFuture<>();
        AtomicReference<Boolean> armed = new AtomicReference<>(false);
        try (UdpForwarder path = new UdpForwarder(relay.localEndpoint(), datagram -> {
            if (datagram[0] == WireFormat.TYPE_DATA && armed.get() && armed.compareAndSet(true, false)) {
                hijacked.complete(datagram);
                return null;
            }
            return datagram;
        }); DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            a.connect(relay.publicKey(), path.address()).join();
            armed.set(true);
            a.ping(relay.address());
            byte[] stolen = hijacked.get(10, TimeUnit.SECONDS);
            attacker.send(new DatagramPacket(stolen, stolen.length, relay.localEndpoint()));
            drain(attacker);

            byte[] inner = new byte[40];
            inner[0] = (byte) WireFormat.TYPE_DATA;
            inner[1] = (byte) WireFormat.VERSION;
            byte[] wrapped = ByteBuffer.allocate(WireFormat.RELAY_HEADER_LENGTH + inner.length).put((byte) WireFormat.TYPE_RELAY)
                    .put((byte) WireFormat.VERSION).putShort((short) 0).putShort((short) c.address().realm())
                    .putShort((short) (c.address().node() >>> 32)).putInt((int) c.address().node()).put(inner).array();
            long refusedBefore = relay.stats().dropped(DropReason.NOT_ALLOWED);
            attacker.send(new DatagramPacket(wrapped, wrapped.length, relay.localEndpoint()));

            await().atMost(5, TimeUnit.SECONDS).until(() -> relay.stats().dropped(DropReason.NOT_ALLOWED) > refusedBefore);
            assertThat(relay.relayedBytes()).as("nothing passed on in a's name").isZero();
            assertThat(relay.peer(a.address()).orElseThrow().endpoint()).isEqualTo(path.address());
            assertThat(a.ping(relay.address()).get(5, TimeUnit.SECONDS)).isNotNull();
        }
    }

    /**
     * Many nodes connect once and leave (identities are free): the victim's peer table held every one of them
     * for good. Idle peers are now forgotten after the idle timeout, while a peer with a session stays.
     */
    @Test
    void aPeerTableFloodedWithOneTimePeersShrinksBack() {
        PilotNode victim = nodes.start(b -> b.sessionSettings(SessionSettings.DEFAULTS.withPeerIdleTimeout(Duration.ofSeconds(1))));
        PilotNode regular = nodes.start();
        regular.connect(victim.publicKey(), victim.localEndpoint()).join();
        int visitors = 30;
        for (int i = 0; i < visitors; i++) {
            PilotNode visitor = nodes.start();
            visitor.connect(victim.publicKey(), victim.localEndpoint()).join();
            visitor.ping(victim.address()).join();
            visitor.close();
        }
        assertThat(victim.stats().peers()).as("the flood filled the table").isGreaterThan(1);

        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
            regular.ping(victim.address()).join();
            assertThat(victim.stats().peers()).as("only the peer with a session is left").isEqualTo(1);
        });
        assertThat(victim.peer(regular.address()).orElseThrow().established()).isTrue();
    }

    /** Bytes the socket receives until it has been quiet for half a second. */
    private static long drain(DatagramSocket socket) throws Exception {
        socket.setSoTimeout(500);
        long bytes = 0;
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        while (true) {
            try {
                socket.receive(packet);
                bytes += packet.getLength();
            } catch (SocketTimeoutException quiet) {
                return bytes;
            }
        }
    }

    private static byte[] directory(PilotNode from, PilotNode backboneNode, byte[] body) {
        return from.request(new PilotSocketAddress(backboneNode.address(), DirectoryProtocol.PORT), Message.of(body))
                .join().body();
    }
}
