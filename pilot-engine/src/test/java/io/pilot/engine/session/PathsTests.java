package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireCodec;
import io.pilot.engine.wire.WireFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PathsTests {

    private static final InetSocketAddress RELAY = new InetSocketAddress("10.0.0.1", 4000);
    private static final PilotAddress RELAY_ADDRESS = new PilotAddress(1, 1);
    private static final InetSocketAddress HOME = new InetSocketAddress("10.0.0.2", 4000);
    private static final InetSocketAddress CAFE = new InetSocketAddress("10.0.0.3", 4000);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Paths paths = new Paths(channel, SessionSettings.DEFAULTS, new SecureRandom());
    private final Peer peer = new Peer(new PilotAddress(1, 2), null, null);
    private final Keypair keypair = new Keypair(1, 2, false, 0, peer, new byte[32], new byte[32]);
    /** Opens what {@link #keypair} seals: one key both ways. */
    private final Keypair opener = new Keypair(2, 1, false, 0, peer, new byte[32], new byte[32]);

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
    void aDirectPacketFromElsewhereIsChallengedThereAndDoesNotMoveThePeer() {
        paths.setEndpoint(peer, HOME);

        assertThat(paths.roam(peer, keypair, Route.direct(CAFE), 100, 0)).isNull();

        assertThat(peer.endpoint()).isEqualTo(HOME);
        assertThat(paths.peerAt(CAFE)).as("the relay's endpoint index is not rewritten").isNull();
        DatagramPacket challenge = sent();
        assertThat(challenge.recipient()).isEqualTo(CAFE);
        assertThat(frame(challenge)[0]).isEqualTo(Paths.PATH_CHALLENGE);
        assertThat(paths.roam(peer, keypair, Route.direct(CAFE), 100, 1)).isNull();
        assertThat(sent()).as("one challenge per route, repeated by the timers").isNull();
    }

    @Test
    void theResponseToTheChallengeMovesThePeer() {
        paths.setEndpoint(peer, HOME);
        paths.roam(peer, keypair, Route.direct(CAFE), 100, 0);
        long data = frame(sent())[1];

        paths.onPathFrame(peer, keypair, Route.direct(HOME), pathFrame(Paths.PATH_RESPONSE, data ^ 1), 1);
        assertThat(peer.endpoint()).as("a response with other data validates nothing").isEqualTo(HOME);
        paths.onPathFrame(peer, keypair, Route.direct(HOME), pathFrame(Paths.PATH_RESPONSE, data), 1);

        assertThat(peer.endpoint()).isEqualTo(CAFE);
        assertThat(paths.peerAt(CAFE)).isSameAs(peer);
        assertThat(paths.peerAt(HOME)).isNull();
        assertThat(paths.pathsValidated()).isEqualTo(1);
    }

    @Test
    void anUnvalidatedRouteGetsAtMostThreeTimesWhatCameFromIt() {
        peer.current = keypair;
        paths.setEndpoint(peer, HOME);
        int received = 33; // the smallest authenticated DATA datagram with a plaintext
        long interval = SessionSettings.DEFAULTS.handshakeRetransmit().toNanos();

        paths.roam(peer, keypair, Route.direct(CAFE), received, 0);
        paths.validateIfDue(peer, interval);
        paths.validateIfDue(peer, 4 * interval);

        int sentBytes = 0;
        for (DatagramPacket packet; (packet = sent()) != null; packet.release()) {
            assertThat(packet.recipient()).isEqualTo(CAFE);
            sentBytes += packet.content().readableBytes();
        }
        assertThat(sentBytes).isEqualTo(2 * Paths.PATH_DATAGRAM_LENGTH).isLessThanOrEqualTo(3 * received);
        assertThat(paths.amplificationLimited()).isEqualTo(1);
        assertThat(peer.endpoint()).isEqualTo(HOME);
    }

    @Test
    void aChallengeIsAnsweredAlongTheRouteItCameByWithinThatRoutesBudget() {
        paths.setEndpoint(peer, HOME);
        // 26 bytes received allow 78 sent: the challenge (39) and one response (39).
        paths.roam(peer, keypair, Route.direct(CAFE), 26, 0);
        sent().release();

        paths.onPathFrame(peer, keypair, Route.direct(CAFE), pathFrame(Paths.PATH_CHALLENGE, 42), 0);

        DatagramPacket response = sent();
        assertThat(response.recipient()).isEqualTo(CAFE);
        assertThat(frame(response)).containsExactly(Paths.PATH_RESPONSE, 42);
        paths.onPathFrame(peer, keypair, Route.direct(CAFE), pathFrame(Paths.PATH_CHALLENGE, 43), 0);
        assertThat(sent()).as("over three times what was received").isNull();
        paths.onPathFrame(peer, keypair, Route.direct(HOME), pathFrame(Paths.PATH_CHALLENGE, 44), 0);
        DatagramPacket onThePath = sent();
        assertThat(onThePath.recipient()).as("the validated path has no such limit").isEqualTo(HOME);
        onThePath.release();
    }

    @Test
    void aRelayedPeerMovesToADirectRouteOnlyOnceItAnswers() {
        paths.takeRoute(peer, Route.relayed(peer.address()), null, 0);

        assertThat(paths.roam(peer, keypair, Route.direct(CAFE), 100, 0)).isNull();
        assertThat(peer.isRelayed()).isTrue();
        long data = frame(sent())[1];
        paths.onPathFrame(peer, keypair, Route.relayed(peer.address()), pathFrame(Paths.PATH_RESPONSE, data), 1);

        assertThat(peer.isRelayed()).isFalse();
        assertThat(peer.endpoint()).isEqualTo(CAFE);
        assertThat(peer.pathReason()).startsWith("direct: upgraded");
    }

    @Test
    void aRelayedPacketMustComeFromThePeerItClaimsAndIsChallengedThroughTheRelay() {
        paths.useRelay(RELAY, RELAY_ADDRESS);
        paths.setEndpoint(peer, HOME);
        assertThat(paths.roam(peer, keypair, Route.relayed(new PilotAddress(1, 3)), 100, 0))
                .isEqualTo(DropReason.UNEXPECTED_KEY);
        assertThat(sent()).isNull();

        assertThat(paths.roam(peer, keypair, Route.relayed(peer.address()), 100, 0)).isNull();

        assertThat(peer.isRelayed()).as("until the relayed route answers").isFalse();
        DatagramPacket challenge = sent();
        assertThat(challenge.recipient()).isEqualTo(RELAY);
        challenge.release();
    }

    @Test
    void anUpgradedPeerHeardDirectlyStaysDirectWhileItsPacketsStillComeThroughTheRelay() {
        paths.useRelay(RELAY, RELAY_ADDRESS);
        paths.takeRoute(peer, Route.relayed(peer.address()), null, 0);
        paths.roam(peer, keypair, Route.direct(CAFE), 100, 0);
        long data = frame(sent())[1];
        paths.onPathFrame(peer, keypair, Route.direct(CAFE), pathFrame(Paths.PATH_RESPONSE, data), 1);
        assertThat(peer.isRelayed()).isFalse();

        // The other side has not heard of the upgrade yet and still sends through the relay.
        assertThat(paths.roam(peer, keypair, Route.relayed(peer.address()), 100, 2)).isNull();
        assertThat(sent()).as("the relayed route is not challenged: answering would move this side back").isNull();
        assertThat(peer.pendingPaths.isEmpty()).isTrue();
        assertThat(paths.relayedWhileDirect()).isEqualTo(1);

        // The peer's traffic along the direct path keeps the hold fresh; only a direct path that carried none for the
        // hold is left for the relay.
        long heard = 2 + Paths.DIRECT_HOLD_NANOS / 2;
        assertThat(paths.roam(peer, keypair, Route.direct(CAFE), 100, heard)).isNull();
        paths.heardTraffic(peer, Route.direct(CAFE), heard);
        assertThat(paths.roam(peer, keypair, Route.relayed(peer.address()), 100, heard + Paths.DIRECT_HOLD_NANOS - 1))
                .isNull();
        assertThat(sent()).isNull();
        assertThat(paths.roam(peer, keypair, Route.relayed(peer.address()), 100, heard + Paths.DIRECT_HOLD_NANOS))
                .isNull();
        DatagramPacket challenge = sent();
        assertThat(challenge.recipient()).isEqualTo(RELAY);
        challenge.release();
        long relayData = peer.pendingPaths.find(Route.relayed(peer.address())).data;
        paths.onPathFrame(peer, keypair, Route.relayed(peer.address()), pathFrame(Paths.PATH_RESPONSE, relayData),
                heard + Paths.DIRECT_HOLD_NANOS + 1);
        assertThat(peer.isRelayed()).as("the direct path went silent: the peer is followed onto the relay").isTrue();
    }

    @Test
    void probesAlongTheDirectPathDoNotHoldItAgainstTheRelay() {
        // The peer's direct path works only towards this node: the peer went onto the relay and probes this node's
        // endpoint, which arrives, while this node's packets to it are lost. Its relayed traffic must move this node.
        paths.useRelay(RELAY, RELAY_ADDRESS);
        paths.takeRoute(peer, Route.direct(HOME), null, 0);
        paths.heardTraffic(peer, Route.direct(HOME), 10);
        assertThat(paths.roam(peer, keypair, Route.direct(HOME), 32, Paths.DIRECT_HOLD_NANOS)).isNull(); // a probe

        assertThat(paths.roam(peer, keypair, Route.relayed(peer.address()), 100, 10 + Paths.DIRECT_HOLD_NANOS)).isNull();
        DatagramPacket challenge = sent();
        assertThat(challenge.recipient()).as("the probe did not renew the hold").isEqualTo(RELAY);
        challenge.release();
    }

    @Test
    void aDirectRouteValidatedThroughTheRelayIsNotHeldAgainstIt() {
        paths.useRelay(RELAY, RELAY_ADDRESS);
        paths.takeRoute(peer, Route.relayed(peer.address()), null, 0);
        paths.roam(peer, keypair, Route.direct(CAFE), 100, 0);
        long data = frame(sent())[1];
        // The answer came back through the relay: the direct route is proved one way only.
        paths.onPathFrame(peer, keypair, Route.relayed(peer.address()), pathFrame(Paths.PATH_RESPONSE, data), 1);
        assertThat(peer.isRelayed()).isFalse();

        assertThat(paths.roam(peer, keypair, Route.relayed(peer.address()), 100, 2)).isNull();
        DatagramPacket challenge = sent();
        assertThat(challenge.recipient()).as("nothing came along the direct path: the relay is challenged").isEqualTo(RELAY);
        challenge.release();
        assertThat(paths.relayedWhileDirect()).isZero();
    }

    @Test
    void routesThatNeverAnswerAreForgotten() {
        peer.current = keypair;
        paths.setEndpoint(peer, HOME);
        for (int port = 1; port <= PendingPaths.MAX_PENDING + 3; port++) {
            paths.roam(peer, keypair, Route.direct(new InetSocketAddress("10.0.0.9", port)), 100, 0);
        }
        assertThat(peer.pendingPaths.size()).as("bounded per peer").isEqualTo(PendingPaths.MAX_PENDING);

        paths.validateIfDue(peer, Paths.VALIDATION_TIMEOUT_NANOS);

        assertThat(peer.pendingPaths.isEmpty()).isTrue();
        assertThat(peer.endpoint()).isEqualTo(HOME);
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
        assertThat(frame(first)[0]).as("a probe is a path challenge").isEqualTo(Paths.PATH_CHALLENGE);
        assertThat(frame(second)[0]).isEqualTo(Paths.PATH_CHALLENGE);
        assertThat(peer.nextProbeNanos).isEqualTo(2 * interval);
        assertThat(peer.pendingPaths.size()).isEqualTo(2);
    }

    /** Opens a sealed path frame (the test key pair seals and opens with one key) and releases it: kind, data. */
    private long[] frame(DatagramPacket packet) {
        try {
            assertThat(packet.content().readableBytes()).isEqualTo(Paths.PATH_DATAGRAM_LENGTH);
            DataPacket data = (DataPacket) WireCodec.decode(packet.content().duplicate()).packet();
            ByteBuffer plaintext = ByteBuffer.allocate(WireFormat.MAX_DATAGRAM);
            assertThat(opener.open(data, plaintext)).isNull();
            data.release();
            assertThat(plaintext.remaining()).isEqualTo(Paths.PATH_FRAME_LENGTH);
            int at = plaintext.position();
            long value = 0;
            for (int i = 1; i < Paths.PATH_FRAME_LENGTH; i++) {
                value = value << 8 | (plaintext.get(at + i) & 0xFF);
            }
            return new long[] {plaintext.get(at), value};
        } finally {
            packet.release();
        }
    }

    private static ByteBuffer pathFrame(int kind, long data) {
        ByteBuffer frame = ByteBuffer.allocate(Paths.PATH_FRAME_LENGTH);
        frame.put((byte) kind);
        for (int shift = 40; shift >= 0; shift -= 8) {
            frame.put((byte) (data >>> shift));
        }
        return frame.flip();
    }
}
