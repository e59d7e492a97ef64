package io.pilot.engine.session;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.transport.ConnectionHandler;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.CookieReply;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.HandshakeFinal;
import io.pilot.engine.wire.HandshakeInit;
import io.pilot.engine.wire.HandshakeResponse;
import io.pilot.engine.wire.WireCodec;
import io.pilot.engine.wire.WireFormat;
import io.pilot.engine.wire.WirePacket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two nodes' handshake rooms, wired by hand: each datagram one sends is handed to the other. */
class HandshakesTests {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int REALM = 1;

    /** One node's handshake room and what it needs, without a session engine. */
    private static final class Side {
        final Identity identity = Identity.generate(RANDOM);
        final InetSocketAddress endpoint;
        final EmbeddedChannel channel = new EmbeddedChannel();
        final DropCounters drops = new DropCounters();
        final IndexTable indexes = new IndexTable(RANDOM);
        final PeerTable peers = new PeerTable();
        final Paths paths = new Paths(channel, SessionSettings.DEFAULTS);
        final List<Peer> established = new ArrayList<>();
        final Handshakes handshakes;

        Side(InetSocketAddress endpoint, SessionSettings settings) {
            this.endpoint = endpoint;
            SessionEvents events = new SessionEvents() {
                @Override
                public ConnectionHandler connectionHandler(Peer peer) {
                    return stream -> { };
                }

                @Override
                public void established(Peer peer, boolean newConnection) {
                    established.add(peer);
                }
            };
            handshakes = new Handshakes(identity, REALM, RANDOM.nextLong(), settings, drops, RANDOM,
                    new ProofCheck(REALM, AccessPolicy.REALM_MEMBERS, drops), indexes,
                    new Responders(indexes, settings.maxPendingHandshakes()), peers, paths,
                    new Establishment(identity.publicKey(), TransportConfig.defaults(), events, (peer, now) -> { }));
        }

        /** The peer {@code other} as this side knows it before any handshake: address, key and endpoint. */
        Peer know(Side other) {
            Peer peer = new Peer(other.identity.publicKey().address(REALM), other.identity.publicKey(), null);
            peers.add(peer);
            paths.setEndpoint(peer, other.endpoint);
            return peer;
        }

        /** The next datagram this side sent, decoded. */
        WirePacket sent() {
            DatagramPacket datagram = channel.readOutbound();
            assertThat(datagram).as("a datagram was sent").isNotNull();
            WireCodec.Result decoded = WireCodec.decode(datagram.content());
            datagram.release();
            return decoded.packet();
        }
    }

    private final Side alice = new Side(new InetSocketAddress("10.0.0.1", 4000), SessionSettings.DEFAULTS);
    private final Side bob = new Side(new InetSocketAddress("10.0.0.2", 4000), SessionSettings.DEFAULTS);

    @AfterEach
    void releaseWhatWasSent() {
        alice.channel.finishAndReleaseAll();
        bob.channel.finishAndReleaseAll();
    }

    @Test
    void threeMessagesAndAConfirmationEstablishBothSides() {
        Peer bobAtAlice = alice.know(bob);
        alice.handshakes.initiate(bobAtAlice, 0);
        assertThat(bobAtAlice.initiation).isNotNull();

        bob.handshakes.onInit((HandshakeInit) alice.sent(), Route.direct(alice.endpoint), alice.endpoint, 1);
        assertThat(bob.handshakes.pending()).isOne();

        alice.handshakes.onResponse((HandshakeResponse) bob.sent(), Route.direct(bob.endpoint), 2);
        assertThat(bobAtAlice.initiation).isNull();
        assertThat(bobAtAlice.current).as("installed, waiting for the confirmation").isNotNull();
        assertThat(bobAtAlice.current.confirmed).isFalse();

        bob.handshakes.onFinal((HandshakeFinal) alice.sent(), Route.direct(alice.endpoint), 3);
        Peer aliceAtBob = bob.peers.get(alice.identity.publicKey().address(REALM));
        assertThat(aliceAtBob).as("the responder learns the initiator from its proof").isNotNull();
        assertThat(aliceAtBob.endpoint()).isEqualTo(alice.endpoint);
        assertThat(bob.established).containsExactly(aliceAtBob);
        assertThat(bob.handshakes.pending()).isZero();

        DataPacket confirmation = (DataPacket) bob.sent();
        Keypair keypair = (Keypair) alice.indexes.get(confirmation.receiverIndex());
        ByteBuffer plaintext = ByteBuffer.allocate(WireFormat.MAX_DATA_PLAINTEXT + WireFormat.TAG_LENGTH);
        assertThat(keypair.open(confirmation, ByteBuffer.allocate(WireFormat.MAX_DATAGRAM), plaintext)).isNull();
        confirmation.release();
        assertThat(plaintext.remaining()).isEqualTo(Handshakes.CONFIRMATION_LENGTH);
        alice.handshakes.onConfirmation(keypair, plaintext.get(0), 4);

        assertThat(keypair.confirmed).isTrue();
        assertThat(alice.established).containsExactly(bobAtAlice);
        assertThat(bobAtAlice.connection()).isNotNull();
        assertThat(aliceAtBob.connection()).isNotNull();
    }

    @Test
    void aRepeatedInitiationGetsTheSameAnswerWithoutNewState() {
        alice.handshakes.initiate(alice.know(bob), 0);
        HandshakeInit init = (HandshakeInit) alice.sent();

        bob.handshakes.onInit(init, Route.direct(alice.endpoint), alice.endpoint, 1);
        bob.handshakes.onInit(init, Route.direct(alice.endpoint), alice.endpoint, 2);

        HandshakeResponse first = (HandshakeResponse) bob.sent();
        HandshakeResponse second = (HandshakeResponse) bob.sent();
        assertThat(second.senderIndex()).isEqualTo(first.senderIndex());
        assertThat(bob.handshakes.pending()).isOne();
    }

    @Test
    void aKeyOtherThanThePinnedOneAbandonsTheHandshake() {
        Side mallory = new Side(bob.endpoint, SessionSettings.DEFAULTS);
        Peer bobAtAlice = alice.know(bob);
        List<Throwable> failures = new ArrayList<>();
        alice.handshakes.initiate(bobAtAlice, 0);
        bobAtAlice.waiters.add((peer, error) -> failures.add(error));

        mallory.handshakes.onInit((HandshakeInit) alice.sent(), Route.direct(alice.endpoint), alice.endpoint, 1);
        alice.handshakes.onResponse((HandshakeResponse) mallory.sent(), Route.direct(bob.endpoint), 2);

        assertThat(alice.drops.get(DropReason.UNEXPECTED_KEY)).isOne();
        assertThat(bobAtAlice.initiation).isNull();
        assertThat(bobAtAlice.current).isNull();
        assertThat(failures).singleElement().isInstanceOf(SessionException.class);
        mallory.channel.finishAndReleaseAll();
    }

    @Test
    void underLoadAnInitiationWithoutACookieGetsOneAndTheRetryIsAnswered() {
        Side busyBob = new Side(bob.endpoint, SessionSettings.DEFAULTS.withHandshakeLimits(50, 1, 4096));
        Peer bobAtAlice = alice.know(busyBob);
        Side carol = new Side(new InetSocketAddress("10.0.0.3", 4000), SessionSettings.DEFAULTS);
        carol.handshakes.initiate(carol.know(busyBob), 0);
        busyBob.handshakes.onInit((HandshakeInit) carol.sent(), Route.direct(carol.endpoint), carol.endpoint, 0);
        assertThat(busyBob.sent()).as("the first initiation this second is answered").isInstanceOf(HandshakeResponse.class);
        carol.channel.finishAndReleaseAll();
        alice.handshakes.initiate(bobAtAlice, 0);
        HandshakeInit init = (HandshakeInit) alice.sent();

        busyBob.handshakes.onInit(init, Route.direct(alice.endpoint), alice.endpoint, 1);
        assertThat(busyBob.drops.get(DropReason.COOKIE_REQUIRED)).isOne();
        alice.handshakes.onCookie((CookieReply) busyBob.sent(), 2);
        HandshakeInit withCookie = (HandshakeInit) alice.sent();
        assertThat(withCookie.hasCookie()).isTrue();

        busyBob.handshakes.onInit(withCookie, Route.direct(alice.endpoint), alice.endpoint, 3);
        assertThat(busyBob.sent()).isInstanceOf(HandshakeResponse.class);
        busyBob.channel.finishAndReleaseAll();
    }

    @Test
    void anAnswerToNoHandshakeIsCountedAndIgnored() {
        alice.handshakes.onResponse(new HandshakeResponse(5, 6, new byte[48]), Route.direct(bob.endpoint), 0);

        assertThat(alice.drops.get(DropReason.UNKNOWN_SESSION)).isOne();
        assertThat((Object) alice.channel.readOutbound()).isNull();
    }

    @Test
    void aStoppedNodeStartsNoHandshake() {
        Peer bobAtAlice = alice.know(bob);
        alice.handshakes.stop();

        alice.handshakes.initiate(bobAtAlice, 0);

        assertThat(bobAtAlice.initiation).isNull();
        assertThat((Object) alice.channel.readOutbound()).isNull();
    }
}
