package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.crypto.Sha256;
import io.pilot.engine.TestNodes;
import io.pilot.engine.UdpForwarder;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.transport.ConnectionStats;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.WireFormat;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Datagrams above the base size (DPLPMTUD, docs/PROTOCOL.md "Datagram size") between real nodes on loopback: the
 * search finds the largest size where the path carries it, stays below a limit a middlebox enforces, and stays at
 * the base with a peer that drops every larger datagram (as a node from before large datagrams does). Every
 * transfer arrives intact, whatever the size. Needs epoll: only there does the socket set the don't-fragment bit.
 */
class LargeDatagramTests {

    private static final int PORT = 20;
    private static final int BASE_PAYLOAD = TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private PilotNode sender;
    private PilotNode receiver;

    @BeforeEach
    void nodes() {
        assumeTrue(Epoll.isAvailable(), "the don't-fragment bit needs epoll");
        sender = nodes.start();
        receiver = nodes.start();
        receiver.listen(PORT, MessageHandler.of(in -> Message.of(Sha256.hash(in.message().body()))));
    }

    @Test
    void loopbackCarriesTheLargestDatagram() throws Exception {
        sender.connect(receiver.publicKey(), receiver.localEndpoint()).join();

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            transferIntact();
            return transport().maxPacketPayload() == WireFormat.MAX_LARGE_DATA_PLAINTEXT;
        });

        ConnectionStats stats = transport();
        assertThat(stats.bytesSent() / stats.packetsSent()).as("mean packet payload")
                .isGreaterThan(BASE_PAYLOAD);
    }

    @Test
    void theSearchSettlesBelowWhatAMiddleboxCarries() throws Exception {
        int limit = 1400; // UDP payload a middlebox passes; it drops anything longer, as a 1428-byte IPv4 link would
        try (UdpForwarder middlebox = new UdpForwarder(receiver.localEndpoint(), atMost(limit), atMost(limit))) {
            sender.connect(receiver.publicKey(), middlebox.address()).join();

            await().atMost(Duration.ofSeconds(60)).until(() -> {
                transferIntact();
                return transport().maxPacketPayload() + WireFormat.DATA_OVERHEAD > limit - 2 * 64;
            });

            transferIntact();
            int datagram = transport().maxPacketPayload() + WireFormat.DATA_OVERHEAD;
            assertThat(datagram).as("the path's datagram size").isGreaterThan(WireFormat.MAX_DATAGRAM)
                    .isLessThanOrEqualTo(limit);
        }
    }

    @Test
    void aPeerThatDropsLargerDatagramsKeepsTheBaseSize() throws Exception {
        try (UdpForwarder olderPeer = new UdpForwarder(receiver.localEndpoint(), atMost(WireFormat.MAX_DATAGRAM))) {
            sender.connect(receiver.publicKey(), olderPeer.address()).join();

            transferIntact();
            transferIntact();

            assertThat(transport().maxPacketPayload()).isEqualTo(BASE_PAYLOAD);
        }
    }

    @Test
    void withoutPathMtuDiscoveryPacketsStayAtTheBase() throws Exception {
        PilotNode plain = nodes.start(b -> b.transportConfig(TransportConfig.builder().pathMtuDiscovery(false).build()));
        plain.connect(receiver.publicKey(), receiver.localEndpoint()).join();
        sender = plain;

        transferIntact();
        transferIntact();

        assertThat(transport().maxPacketPayload()).isEqualTo(BASE_PAYLOAD);
    }

    /** Sends 1 MiB of random bytes (over 800 full packets of the base size) and checks the receiver's digest of it. */
    private void transferIntact() throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(payload.length).nextBytes(payload);
        Message reply = sender.request(new PilotSocketAddress(receiver.address(), PORT), Message.of(payload))
                .get(60, TimeUnit.SECONDS);
        assertThat(reply.body()).isEqualTo(Sha256.hash(payload));
    }

    private ConnectionStats transport() {
        PeerInfo peer = sender.peers().stream().filter(p -> p.address().equals(receiver.address())).findFirst()
                .orElseThrow();
        return peer.transport();
    }

    private static UnaryOperator<byte[]> atMost(int bytes) {
        return datagram -> datagram.length > bytes ? null : datagram;
    }
}
