package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireCodec;
import io.pilot.engine.wire.WireFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PathsTests {

    private static final InetSocketAddress RELAY = new InetSocketAddress("10.0.0.1", 4000);
    private static final PilotAddress RELAY_ADDRESS = new PilotAddress(1, 1);
    private static final InetSocketAddress HOME = new InetSocketAddress("10.0.0.2", 4000);
    private static final InetSocketAddress CAFE = new InetSocketAddress("10.0.0.3", 4000);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Paths paths = new Paths(channel, SessionSettings.DEFAULTS);
    private final Peer peer = new Peer(new PilotAddress(1, 2), null, null);
    private final Keypair keypair = new Keypair(1, 2, false, 0, peer, new byte[32], new byte[32]);

    @AfterEach
    void releaseWhatWasSent() {
        channel.finishAndReleaseAll();
    }

    private DatagramPacket sent() {
        return channel.readOutbound();
    }

    @Test
    void theEndpointIndexFollowsThePeer() {
        paths.setEndpoint(peer, HOME);
        assertThat(paths.peerAt(HOME)).isSameAs(peer);

        paths.setEndpoint(peer, CAFE);

        assertThat(peer.endpoint()).isEqualTo(CAFE);
        assertThat(paths.peerAt(HOME)).isNull();
        assertThat(paths.peerAt(CAFE)).isSameAs(peer);
    }

    @Test
    void aPeerOfUnknownAddressIsNotIndexed() {
        Peer unknown = new Peer(null, null, null);
        paths.setEndpoint(unknown, HOME);

        assertThat(unknown.endpoint()).isEqualTo(HOME);
        assertThat(paths.peerAt(HOME)).isNull();
    }

    @Test
    void aDirectPacketFromElsewhereMovesThePeer() {
        paths.setEndpoint(peer, HOME);

        assertThat(paths.roam(peer, keypair, Route.direct(CAFE))).isNull();

        assertThat(peer.endpoint()).isEqualTo(CAFE);
        assertThat(sent()).as("a direct peer that roams gets no probe").isNull();
    }

    @Test
    void aDirectPacketUpgradesARelayedPeerAndIsAnsweredOnTheNewPath() {
        paths.takeRoute(peer, Route.relayed(peer.address()), null, 0);
        assertThat(peer.isRelayed()).isTrue();

        assertThat(paths.roam(peer, keypair, Route.direct(CAFE))).isNull();

        assertThat(peer.isRelayed()).isFalse();
        assertThat(peer.pathReason()).startsWith("direct: upgraded");
        DatagramPacket probe = sent();
        assertThat(probe.recipient()).isEqualTo(CAFE);
        assertThat(probe.content().readableBytes()).as("an empty sealed DATA packet")
                .isEqualTo(WireFormat.DATA_HEADER_LENGTH + WireFormat.TAG_LENGTH);
        probe.release();
    }

    @Test
    void aRelayedPacketMustComeFromThePeerItClaims() {
        assertThat(paths.roam(peer, keypair, Route.relayed(new PilotAddress(1, 3)))).isEqualTo(DropReason.UNEXPECTED_KEY);
        assertThat(paths.roam(peer, keypair, Route.relayed(peer.address()))).isNull();
        assertThat(peer.isRelayed()).isTrue();
    }

    @Test
    void relayedDatagramsAreWrappedForTheRelayOrDroppedWithoutOne() {
        ByteBuf lost = Unpooled.buffer().writeInt(1);
        paths.send(lost, Route.relayed(peer.address()));
        assertThat(lost.refCnt()).as("released: no relay to send through").isZero();
        assertThat(sent()).isNull();

        paths.useRelay(RELAY, RELAY_ADDRESS);
        paths.send(Unpooled.buffer().writeInt(7), Route.relayed(peer.address()));

        DatagramPacket wrapped = sent();
        assertThat(wrapped.recipient()).isEqualTo(RELAY);
        WireCodec.Result decoded = WireCodec.decode(wrapped.content());
        RelayPacket relay = (RelayPacket) decoded.packet();
        assertThat(relay.towardsRelay()).isTrue();
        assertThat(relay.address()).isEqualTo(peer.address());
        assertThat(relay.inner().readInt()).isEqualTo(7);
        relay.release();
        wrapped.release();
    }

    @Test
    void theRelayIsNeverUsedToReachItselfNorWhenRelayingIsOff() {
        assertThat(paths.canRelay(peer)).as("no relay known").isFalse();
        paths.useRelay(RELAY, RELAY_ADDRESS);
        assertThat(paths.canRelay(peer)).isTrue();
        assertThat(paths.canRelay(new Peer(RELAY_ADDRESS, null, RELAY))).isFalse();
        paths.settings(PathSettings.DIRECT_ONLY);
        assertThat(paths.canRelay(peer)).isFalse();
    }

    @Test
    void aHandshakeFallsBackToTheRelayOnlyAfterDirectEndpointsHadTheirTime() {
        paths.useRelay(RELAY, RELAY_ADDRESS);
        paths.setEndpoint(peer, HOME);
        Initiation initiation = new Initiation(peer, 5, null, null, 0, 0, 1);
        long relayAfter = PathSettings.DEFAULTS.relayAfter().toNanos();

        assertThat(paths.handshakeViaRelay(peer)).as("a direct endpoint is tried first").isFalse();
        assertThat(paths.relayFallback(peer, initiation, relayAfter - 1)).isFalse();
        assertThat(paths.relayFallback(peer, initiation, relayAfter)).isTrue();
    }

    @Test
    void aCandidateThatIsSomeoneElseIsForgotten() {
        peer.candidates = List.of(HOME, CAFE);
        paths.setEndpoint(peer, HOME);

        paths.forgetCandidate(peer, HOME);

        assertThat(peer.candidates).containsExactly(CAFE);
        assertThat(peer.endpoint()).isEqualTo(CAFE);
    }

    @Test
    void anEstablishedRelayedPeerIsProbedAtEveryCandidateWhenDue() {
        long interval = PathSettings.DEFAULTS.probeInterval().toNanos();
        peer.candidates = List.of(HOME, CAFE);
        peer.current = keypair;
        peer.connection = TestPeers.connection();
        paths.takeRoute(peer, Route.relayed(peer.address()), null, 0);

        paths.probeIfDue(peer, interval - 1);
        assertThat(sent()).as("not yet due").isNull();

        paths.probeIfDue(peer, interval);

        DatagramPacket first = sent();
        DatagramPacket second = sent();
        assertThat(List.of(first.recipient(), second.recipient())).containsExactly(HOME, CAFE);
        first.release();
        second.release();
        assertThat(peer.nextProbeNanos).isEqualTo(2 * interval);
    }
}
