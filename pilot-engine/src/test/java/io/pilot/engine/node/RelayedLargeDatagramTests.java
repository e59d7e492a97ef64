package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.pilot.engine.PeerContact;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.crypto.Sha256;
import io.pilot.engine.TestNodes;
import io.pilot.engine.UdpForwarder;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.session.PathSettings;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.WireFormat;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Datagrams above the base size through a relay (docs/PROTOCOL.md §5.8a), between real nodes on loopback: the two
 * ends' path MTU search runs end to end through the relay, which grows its receive slots when the first larger
 * datagram arrives and passes larger datagrams on without fragmenting; the search settles below what the hop past
 * the relay carries, stays at the base behind a relay that passes only the base size (as one from before large
 * datagrams does), and finds the large size when one end reaches the relay over WebSocket. Every transfer arrives
 * intact. Needs epoll: only there does a socket set the don't-fragment bit.
 */
class RelayedLargeDatagramTests {

    private static final int PORT = 20;
    /** What a relayed datagram adds to its transport packet: the relay header, DATA's header and tag. */
    private static final int RELAYED_OVERHEAD = WireFormat.RELAY_HEADER_LENGTH + WireFormat.DATA_OVERHEAD;
    /** The largest transport packet on a relayed path: the largest datagram less what it adds. */
    private static final int LARGEST_RELAYED_PAYLOAD = WireFormat.MAX_LARGE_RELAY_DATAGRAM - RELAYED_OVERHEAD;
    /** The relay after 300 ms without a direct answer, direct probes once an hour: the pairs stay relayed. */
    private static final PathSettings RELAYED = new PathSettings(true, Duration.ofMillis(300), Duration.ofHours(1));

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private PilotNode relay;

    @BeforeEach
    void needsTheDontFragmentBit() {
        assumeTrue(Epoll.isAvailable(), "the don't-fragment bit needs epoll");
    }

    @Test
    void aRelayedPairReachesTheLargestDatagram() throws Exception {
        relay = nodes.start();
        relay.serveAsRelay(true);
        PilotNode client = attached(relay.localEndpoint());
        PilotNode server = attached(relay.localEndpoint());

        connectThroughTheRelay(client, server);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            transferIntact(client, server);
            return payload(client, server) == LARGEST_RELAYED_PAYLOAD;
        });

        assertThat(client.peer(server.address()).orElseThrow().relayed()).isTrue();
        long before = relay.relayedBytes();
        transferIntact(client, server);
        assertThat(relay.relayedBytes() - before).as("the transfer crossed the relay").isGreaterThan(1L << 20);
        assertThat(relay.stats().dropped(DropReason.OVERSIZED)).as("the relay cut nothing").isZero();
        assertThat(server.stats().dropped(DropReason.BAD_TAG)).as("no datagram arrived cut or altered").isZero();
    }

    @Test
    void theSearchSettlesBelowWhatTheHopPastTheRelayCarries() throws Exception {
        int limit = 4000; // UDP payload the relay-to-server hop carries; longer datagrams are dropped on it
        relay = nodes.start();
        relay.serveAsRelay(true);
        PilotNode client = attached(relay.localEndpoint());
        PilotNode server = digesting(nodes.start(b -> b.pathSettings(RELAYED)));
        try (UdpForwarder hop = new UdpForwarder(relay.localEndpoint(), UnaryOperator.identity(), atMost(limit))) {
            server.connect(relay.publicKey(), hop.address()).join();
            server.useRelay(hop.address(), relay.address());
            connectThroughTheRelay(client, server);

            await().atMost(Duration.ofSeconds(90)).until(() -> {
                transferIntact(client, server);
                return payload(client, server) + RELAYED_OVERHEAD > limit - 2 * 64;
            });

            transferIntact(client, server);
            int datagram = payload(client, server) + RELAYED_OVERHEAD;
            assertThat(datagram).as("the relayed datagram's size").isGreaterThan(WireFormat.MAX_RELAY_DATAGRAM)
                    .isLessThanOrEqualTo(limit);
        }
    }

    @Test
    void behindARelayThatPassesOnlyTheBaseSizeThePairKeepsTheBase() throws Exception {
        relay = nodes.start();
        relay.serveAsRelay(true);
        // What a relay from before large datagrams does: its 1268-byte slots cut longer datagrams, which it drops.
        try (UdpForwarder olderRelay = new UdpForwarder(relay.localEndpoint(), atMost(WireFormat.MAX_RELAY_DATAGRAM),
                atMost(WireFormat.MAX_RELAY_DATAGRAM));
             UdpForwarder olderRelayToServer = new UdpForwarder(relay.localEndpoint(),
                     atMost(WireFormat.MAX_RELAY_DATAGRAM), atMost(WireFormat.MAX_RELAY_DATAGRAM))) {
            PilotNode client = attached(olderRelay.address());
            PilotNode server = attached(olderRelayToServer.address());
            connectThroughTheRelay(client, server);

            for (int i = 0; i < 3; i++) {
                transferIntact(client, server);
            }

            assertThat(payload(client, server)).isEqualTo(TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD);
        }
    }

    @Test
    void aPairRelayedOverWebSocketReachesTheLargestDatagram() throws Exception {
        relay = nodes.start(b -> b.answerStun(true));
        relay.serveAsRelay(true);
        InetSocketAddress tcp = relay.listenWebSocket(List.of(new InetSocketAddress("127.0.0.1", 0)), null, 16).get(0);
        // The relay's advertised UDP port is a socket that never answers: the client falls back to WebSocket there.
        try (DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress("127.0.0.1", tcp.getPort()))) {
            InetSocketAddress advertised = new InetSocketAddress("127.0.0.1", tcp.getPort());
            PilotNode client = digesting(nodes.start(b -> b.pathSettings(RELAYED)));
            client.reachBackbone(advertised, null);
            client.connect(relay.publicKey(), advertised).get(30, TimeUnit.SECONDS);
            client.useRelay(advertised, relay.address());
            assertThat(client.peer(relay.address()).orElseThrow().bearer()).isEqualTo("tcp");
            PilotNode server = attached(relay.localEndpoint());
            connectThroughTheRelay(client, server);

            await().atMost(Duration.ofSeconds(60)).until(() -> {
                transferIntact(client, server);
                transferIntact(server, client);
                return payload(client, server) == LARGEST_RELAYED_PAYLOAD
                        && payload(server, client) == LARGEST_RELAYED_PAYLOAD;
            });

            assertThat(relay.bearers().listener().datagramsIn()).as("the client's leg is the WebSocket").isPositive();
        }
    }

    /** A node with a session with the relay at {@code relayAt}, using it, that never probes direct paths. */
    private PilotNode attached(InetSocketAddress relayAt) {
        PilotNode node = nodes.start(b -> b.pathSettings(RELAYED));
        node.connect(relay.publicKey(), relayAt).join();
        node.useRelay(relayAt, relay.address());
        return digesting(node);
    }

    /** {@code node}, answering on {@link #PORT} with the SHA-256 of what it receives. */
    private static PilotNode digesting(PilotNode node) {
        node.listen(PORT, MessageHandler.of(in -> Message.of(Sha256.hash(in.message().body()))));
        return node;
    }

    /** Connects {@code client} to {@code server} through the relay: the server's only direct endpoint never answers. */
    private static void connectThroughTheRelay(PilotNode client, PilotNode server) throws Exception {
        try (UdpForwarder blocked = new UdpForwarder(server.localEndpoint(), d -> null)) {
            PeerInfo peer = client.connect(new PeerContact(server.publicKey(), List.of(blocked.address())))
                    .get(10, TimeUnit.SECONDS);
            assertThat(peer.relayed()).isTrue();
        }
    }

    /** Sends 1 MiB of random bytes and checks the receiver's digest of it. */
    private static void transferIntact(PilotNode from, PilotNode to) throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(payload.length).nextBytes(payload);
        Message reply = from.request(new PilotSocketAddress(to.address(), PORT), Message.of(payload))
                .get(60, TimeUnit.SECONDS);
        assertThat(reply.body()).isEqualTo(Sha256.hash(payload));
    }

    /** The full packet size {@code from}'s connection to {@code to} uses now. */
    private static int payload(PilotNode from, PilotNode to) {
        return from.peer(to.address()).orElseThrow().transport().maxPacketPayload();
    }

    private static UnaryOperator<byte[]> atMost(int bytes) {
        return datagram -> datagram.length > bytes ? null : datagram;
    }
}
