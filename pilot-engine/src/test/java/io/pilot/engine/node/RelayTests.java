package io.pilot.engine.node;

import java.util.Random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PeerContact;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.UdpForwarder;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.session.PathSettings;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.WireFormat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Peers that cannot reach each other directly talk through a relay that passes sealed datagrams it
 * cannot read, and move to a direct path as soon as one opens. Loopback stands in for the network: a
 * forwarder that drops everything is the blocked direct path. (The NAT lab does the same with real NATs.)
 */
class RelayTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private static final PathSettings FAST = new PathSettings(true, Duration.ofMillis(300), Duration.ofMillis(200));

    private PilotNode relay;

    private PilotNode node(PathSettings paths) {
        PilotNode node = nodes.start(b -> b.pathSettings(paths));
        node.connect(relay.publicKey(), relay.localEndpoint()).join();
        node.useRelay(relay.localEndpoint(), relay.address());
        return node;
    }

    @Test
    void peersThatCannotReachEachOtherTalkThroughTheRelay() throws Exception {
        relay = nodes.start();
        relay.serveAsRelay(true);
        PilotNode a = node(FAST);
        PilotNode c = node(FAST);
        c.listen(90, MessageHandler.of(in -> Message.of("sealed end to end: " + in.message().bodyAsString())));
        AtomicBoolean open = new AtomicBoolean(false);
        try (UdpForwarder blocked = new UdpForwarder(c.localEndpoint(), d -> open.get() ? d : null)) {
            PeerInfo peer = a.connect(new PeerContact(c.publicKey(), List.of(blocked.address()))).get(10, TimeUnit.SECONDS);
            assertThat(peer.relayed()).isTrue();
            assertThat(peer.pathReason()).contains("no direct answer from " + HostPort.format(blocked.address()) + " within");
            Message reply = a.request(new PilotSocketAddress(c.address(), 90), Message.of("hello")).get(10, TimeUnit.SECONDS);
            assertThat(reply.bodyAsString()).isEqualTo("sealed end to end: hello");
            byte[] big = new byte[512 * 1024];
            new Random(3).nextBytes(big);
            c.listen(91, MessageHandler.of(in -> Message.of(TransferTests.sha256(in.message().body()))));
            assertThat(a.request(new PilotSocketAddress(c.address(), 91), Message.of(big)).get(30, TimeUnit.SECONDS)
                    .bodyAsString()).isEqualTo(TransferTests.sha256(big));
            assertThat(relay.relayedBytes()).isGreaterThan(big.length);
            assertThat(c.peer(a.address()).orElseThrow().relayed()).isTrue();
            assertThat(c.peer(a.address()).orElseThrow().pathReason()).contains("through the relay");

            // The direct path opens (a NAT mapping appeared): probes find it and both sides move to it.
            long relayedBefore = relay.relayedBytes();
            open.set(true);
            await().atMost(10, TimeUnit.SECONDS).until(() -> !a.peer(c.address()).orElseThrow().relayed()
                    && !c.peer(a.address()).orElseThrow().relayed());
            assertThat(a.peer(c.address()).orElseThrow().pathReason()).contains("upgraded");
            assertThat(a.request(new PilotSocketAddress(c.address(), 90), Message.of("direct")).get(10, TimeUnit.SECONDS)
                    .bodyAsString()).isEqualTo("sealed end to end: direct");
            long relayedAfterUpgrade = relay.relayedBytes();
            a.request(new PilotSocketAddress(c.address(), 91), Message.of(big)).get(30, TimeUnit.SECONDS);
            assertThat(relay.relayedBytes() - relayedAfterUpgrade).isLessThan(big.length / 10);
            assertThat(relayedAfterUpgrade).isGreaterThanOrEqualTo(relayedBefore);
        }
    }

    /**
     * A direct pair whose path dies in one direction only (the answers lost, the requests still arriving): the side
     * that hears nothing starts a handshake again, which gets through the relay, and both sides go on there. The side
     * whose direct path still brings the other's packets must not stay on it: once the other side is relayed they are
     * only probes, which do not keep a direct path against the relay (PROTOCOL.md §4.11).
     */
    @Test
    void aDirectPathThatDiesOneWayFallsBackToTheRelay() throws Exception {
        relay = nodes.start();
        relay.serveAsRelay(true);
        SessionSettings quickToStale = SessionSettings.DEFAULTS.withStaleAfter(Duration.ofMillis(800));
        PilotNode a = nodes.start(b -> b.pathSettings(FAST).sessionSettings(quickToStale));
        PilotNode c = nodes.start(b -> b.pathSettings(FAST).sessionSettings(quickToStale));
        for (PilotNode node : List.of(a, c)) {
            node.connect(relay.publicKey(), relay.localEndpoint()).join();
            node.useRelay(relay.localEndpoint(), relay.address());
        }
        c.listen(92, MessageHandler.of(in -> Message.of("echo " + in.message().bodyAsString())));
        AtomicBoolean answersPass = new AtomicBoolean(true);
        try (UdpForwarder path = new UdpForwarder(c.localEndpoint(), d -> d, d -> answersPass.get() ? d : null)) {
            assertThat(a.connect(new PeerContact(c.publicKey(), List.of(path.address()))).get(10, TimeUnit.SECONDS)
                    .relayed()).isFalse();
            PilotSocketAddress echo = new PilotSocketAddress(c.address(), 92);
            assertThat(a.request(echo, Message.of("direct")).get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("echo direct");

            answersPass.set(false);
            await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().until(() ->
                    a.request(echo, Message.of("again"), Duration.ofSeconds(2)).get(3, TimeUnit.SECONDS)
                            .bodyAsString().equals("echo again"));
            assertThat(a.peer(c.address()).orElseThrow().relayed()).isTrue();
            assertThat(c.peer(a.address()).orElseThrow().relayed()).isTrue();
            long relayed = relay.relayedBytes();
            for (int i = 0; i < 20; i++) {
                assertThat(a.request(echo, Message.of("relayed " + i)).get(10, TimeUnit.SECONDS).bodyAsString())
                        .isEqualTo("echo relayed " + i);
            }
            assertThat(relay.relayedBytes()).as("the calls crossed the relay").isGreaterThan(relayed);
            assertThat(c.peer(a.address()).orElseThrow().relayed()).as("and stayed there").isTrue();
        }
    }

    /**
     * With UDP GRO on every node, bulk data crosses the relay in GSO runs both ways (sender to relay, relay to
     * receiver) and arrives whole: each coalesced read is split back into its datagrams at every hop.
     */
    @Test
    void bulkDataThroughTheRelayArrivesWholeWithReceiveCoalescingOnEveryNode() throws Exception {
        relay = nodes.start(b -> b.receiveCoalescing(true));
        relay.serveAsRelay(true);
        PilotNode a = nodes.start(b -> b.pathSettings(FAST).receiveCoalescing(true));
        PilotNode c = nodes.start(b -> b.pathSettings(FAST).receiveCoalescing(true));
        for (PilotNode node : List.of(a, c)) {
            node.connect(relay.publicKey(), relay.localEndpoint()).join();
            node.useRelay(relay.localEndpoint(), relay.address());
        }
        byte[] big = new byte[4 << 20];
        new Random(5).nextBytes(big);
        c.listen(91, MessageHandler.of(in -> Message.of(TransferTests.sha256(in.message().body()))));
        try (UdpForwarder blocked = new UdpForwarder(c.localEndpoint(), d -> null)) {
            assertThat(a.connect(new PeerContact(c.publicKey(), List.of(blocked.address()))).get(10, TimeUnit.SECONDS)
                    .relayed()).isTrue();
            for (int i = 0; i < 2; i++) {
                assertThat(a.request(new PilotSocketAddress(c.address(), 91), Message.of(big)).get(60, TimeUnit.SECONDS)
                        .bodyAsString()).isEqualTo(TransferTests.sha256(big));
            }
        }
        assertThat(relay.relayedBytes()).isGreaterThan(2L * big.length);
        for (PilotNode node : List.of(a, c, relay)) {
            assertThat(node.stats().dropped(DropReason.OVERSIZED)).as("no run passed on as one datagram").isZero();
            assertThat(node.stats().dropped(DropReason.BAD_TAG)).as("no run cut in the wrong places").isZero();
        }
    }

    @Test
    void directOnlyNodesSayWhyAPeerIsUnreachable() {
        relay = nodes.start();
        relay.serveAsRelay(true);
        PilotNode a = nodes.start(b -> b.pathSettings(PathSettings.DIRECT_ONLY)
                .sessionSettings(SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofMillis(800))));
        a.useRelay(relay.localEndpoint(), relay.address());
        PilotNode c = node(FAST);
        assertThatThrownBy(() -> a.connect(new PeerContact(c.publicKey(), List.of(new InetSocketAddress("127.0.0.1", 9))))
                .get(10, TimeUnit.SECONDS)).cause().hasMessageContaining("direct only: relaying is off");
    }

    @Test
    void aDirectOnlyNodeTakesNothingFromItsRelayNotEvenPacketsOfASessionItHas() throws Exception {
        try (DatagramSocket itsRelay = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            PilotNode relaying = nodes.start(b -> b.pathSettings(FAST));
            PilotNode direct = nodes.start(b -> b.pathSettings(new PathSettings(false, FAST.relayAfter(), FAST.probeInterval())));
            for (PilotNode node : List.of(relaying, direct)) {
                node.useRelay((InetSocketAddress) itsRelay.getLocalSocketAddress(), new PilotAddress(0, 9));
                node.peers(); // answered on the node's event loop, after the relay was set there
            }
            // A RELAYED from the node's own relay, wrapping a DATA packet: what a session's relayed packets look like.
            byte[] relayed = ByteBuffer.allocate(WireFormat.RELAY_HEADER_LENGTH + 64).put((byte) WireFormat.TYPE_RELAYED)
                    .put((byte) WireFormat.VERSION).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(42)
                    .put((byte) WireFormat.TYPE_DATA).put((byte) WireFormat.VERSION).array();
            for (PilotNode node : List.of(relaying, direct)) {
                itsRelay.send(new DatagramPacket(relayed, relayed.length, node.localEndpoint()));
            }
            await().atMost(5, TimeUnit.SECONDS).alias("the node that may relay reads it: a DATA of no session of its")
                    .until(() -> relaying.stats().dropped(DropReason.UNKNOWN_SESSION) == 1);
            await().atMost(5, TimeUnit.SECONDS).alias("the direct-only node refuses it unread")
                    .until(() -> direct.stats().dropped(DropReason.NOT_ALLOWED) == 1);
            assertThat(direct.stats().dropped(DropReason.UNKNOWN_SESSION)).isZero();
        }
    }

    @Test
    void theRelayServesOnlyNodesWithASessionAndOnlyTowardsThem() throws Exception {
        relay = nodes.start();
        relay.serveAsRelay(true);
        PilotNode c = node(FAST);
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] packet = ByteBuffer.allocate(WireFormat.RELAY_HEADER_LENGTH + 64).put((byte) WireFormat.TYPE_RELAY)
                    .put((byte) WireFormat.VERSION).putShort((short) 0).putShort((short) 0)
                    .putShort((short) (c.address().node() >>> 32)).putInt((int) c.address().node())
                    .put((byte) WireFormat.TYPE_DATA).put((byte) WireFormat.VERSION).array();
            for (int i = 0; i < 10; i++) {
                stranger.send(new DatagramPacket(packet, packet.length, relay.localEndpoint()));
            }
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> relay.stats().dropped(DropReason.NOT_ALLOWED) == 10);
        assertThat(relay.relayedBytes()).isZero();
    }
}
