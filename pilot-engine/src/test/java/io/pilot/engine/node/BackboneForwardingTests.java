package io.pilot.engine.node;

import io.pilot.engine.PeerContact;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.UdpForwarder;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.identity.Identity;
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
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Relaying between nodes attached to different relays that share one identity (the backbones of a realm): the
 * first relay passes the sealed datagram to the target's relay as a FORWARD tagged with the realm's key, which
 * delivers it. Real nodes on loopback; where each node is attached is given here as a map (with etcd the shared
 * directory says it, pilot-backbone-etcd's RelayAcrossBackbonesTests). A blackholing forwarder is the blocked
 * direct path.
 */
class BackboneForwardingTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private static final PathSettings FAST = new PathSettings(true, Duration.ofMillis(300), Duration.ofMillis(200));

    private PilotNode relay(Identity identity) {
        PilotNode relay = nodes.start(b -> b.identity(identity));
        relay.serveAsRelay(true);
        return relay;
    }

    private PilotNode attachedTo(PilotNode relay) {
        PilotNode node = nodes.start(b -> b.pathSettings(FAST)
                .sessionSettings(SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(3))));
        node.connect(relay.publicKey(), relay.localEndpoint()).join();
        node.useRelay(relay.localEndpoint(), relay.address());
        return node;
    }

    /** Relays that know where each node is attached, as the shared directory would tell them. */
    private static void attachments(Map<PilotAddress, PilotNode> relayOf) {
        for (PilotNode relay : relayOf.values()) {
            relay.relayAcrossBackbones(node -> {
                PilotNode attached = relayOf.get(node);
                return attached == null || attached == relay ? null : attached.localEndpoint();
            });
        }
    }

    @Test
    void nodesOnTwoRelaysOfOneRealmCallEachOtherBothWaysThroughBoth() throws Exception {
        Identity realm = TestNodes.newIdentity();
        PilotNode one = relay(realm);
        PilotNode two = relay(realm);
        PilotNode a = attachedTo(one);
        PilotNode c = attachedTo(two);
        attachments(Map.of(a.address(), one, c.address(), two));
        a.listen(90, MessageHandler.of(in -> Message.of("a heard " + in.message().bodyAsString())));
        c.listen(90, MessageHandler.of(in -> Message.of("c heard " + in.message().bodyAsString())));
        c.listen(91, MessageHandler.of(in -> Message.of(TransferTests.sha256(in.message().body()))));

        try (UdpForwarder blocked = new UdpForwarder(c.localEndpoint(), d -> null)) {
            a.connect(new PeerContact(c.publicKey(), List.of(blocked.address()))).get(10, TimeUnit.SECONDS);
            PeerInfo peer = a.peer(c.address()).orElseThrow();
            assertThat(peer.relayed()).isTrue();
            assertThat(peer.pathReason()).contains("through the relay at " + HostPort.format(one.localEndpoint()));
            assertThat(a.request(new PilotSocketAddress(c.address(), 90), Message.of("hello")).get(10, TimeUnit.SECONDS)
                    .bodyAsString()).isEqualTo("c heard hello");
            assertThat(c.request(new PilotSocketAddress(a.address(), 90), Message.of("back")).get(10, TimeUnit.SECONDS)
                    .bodyAsString()).isEqualTo("a heard back");
            PeerInfo seenByC = c.peer(a.address()).orElseThrow();
            assertThat(seenByC.relayed()).isTrue();
            assertThat(seenByC.pathReason()).contains("through the relay at " + HostPort.format(two.localEndpoint()));

            byte[] big = new byte[256 * 1024];
            new Random(5).nextBytes(big);
            assertThat(a.request(new PilotSocketAddress(c.address(), 91), Message.of(big)).get(30, TimeUnit.SECONDS)
                    .bodyAsString()).isEqualTo(TransferTests.sha256(big));
            // a → one → two → c, and the acknowledgements c → two → one → a: both relays forward.
            assertThat(one.forwardedBytes()).isGreaterThan(big.length);
            assertThat(two.forwardedBytes()).isPositive();
            assertThat(two.relayedBytes()).isGreaterThan(big.length);
        }
    }

    @Test
    void aRelayOfAnotherIdentityIsNoBackboneOfTheRealmItsForwardsAreDroppedAndCounted() throws Exception {
        PilotNode two = relay(TestNodes.newIdentity());
        PilotNode impostor = relay(TestNodes.newIdentity());
        PilotNode a = attachedTo(impostor);
        PilotNode c = attachedTo(two);
        attachments(Map.of(a.address(), impostor, c.address(), two));
        long cDropsBefore = c.stats().drops().values().stream().mapToLong(Long::longValue).sum();

        assertThatThrownBy(() -> a.connect(new PeerContact(c.publicKey(), List.of(new InetSocketAddress("127.0.0.1", 9))))
                .get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(impostor.forwardedBytes()).isPositive();
        assertThat(two.stats().dropped(DropReason.BAD_TAG)).isPositive();
        assertThat(two.relayedBytes()).isZero();
        assertThat(c.stats().drops().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(cDropsBefore);
    }

    @Test
    void forgedForwardsAreDroppedAndCountedAndANodeNotServingAsRelayRefusesThem() throws Exception {
        PilotNode two = relay(TestNodes.newIdentity());
        PilotNode c = attachedTo(two);
        PilotNode plain = nodes.start();
        byte[] tag = new byte[16];
        new Random(1).nextBytes(tag);
        byte[] forged = ByteBuffer.allocate(WireFormat.FORWARD_HEADER_LENGTH + 64).put((byte) WireFormat.TYPE_FORWARD)
                .put((byte) WireFormat.VERSION).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0x1234).putInt(0x5678) // the source it claims
                .putShort((short) c.address().realm()).putShort((short) (c.address().node() >>> 32)).putInt((int) c.address().node())
                .put(tag).put((byte) WireFormat.TYPE_DATA).put((byte) WireFormat.VERSION).array();
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            for (int i = 0; i < 10; i++) {
                stranger.send(new DatagramPacket(forged, forged.length, two.localEndpoint()));
                stranger.send(new DatagramPacket(forged, forged.length, plain.localEndpoint()));
            }
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> two.stats().dropped(DropReason.BAD_TAG) == 10
                && plain.stats().dropped(DropReason.NOT_ALLOWED) == 10);
        assertThat(two.relayedBytes()).isZero();
        assertThat(c.stats().dropped(DropReason.NOT_ALLOWED)).isZero();
    }
}
