package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.wire.CookieReply;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.HandshakeFinal;
import io.pilot.engine.wire.HandshakeInit;
import io.pilot.engine.wire.HandshakeResponse;
import io.pilot.engine.wire.WireFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two nodes' handshake rooms, wired by hand: each datagram one sends is handed to the other. */
class HandshakesTests {

    private final HandshakeSide alice = new HandshakeSide(new InetSocketAddress("10.0.0.1", 4000), SessionSettings.DEFAULTS);
    private final HandshakeSide bob = new HandshakeSide(new InetSocketAddress("10.0.0.2", 4000), SessionSettings.DEFAULTS);

    @AfterEach
    void releaseWhatWasSent() {
        alice.channel.finishAndReleaseAll();
        bob.channel.finishAndReleaseAll();
    }

    @Test
    void threeMessagesAndAConfirmationEstablishBothHandshakeSides() {
        Peer bobAtAlice = alice.know(bob);
        alice.handshakes.initiate(bobAtAlice, 0);
        assertThat(bobAtAlice.initiation).isNotNull();

        bob.handshakes.onInit((HandshakeInit) alice.sent(), Route.direct(alice.endpoint), 1);
        assertThat(bob.handshakes.pending()).isOne();

        alice.handshakes.onResponse((HandshakeResponse) bob.sent(), Route.direct(bob.endpoint), 2);
        assertThat(bobAtAlice.initiation).isNull();
        assertThat(bobAtAlice.current).as("installed, waiting for the confirmation").isNotNull();
        assertThat(bobAtAlice.current.confirmed).isFalse();

        bob.handshakes.onFinal((HandshakeFinal) alice.sent(), Route.direct(alice.endpoint), 3);
        Peer aliceAtBob = bob.peers.get(alice.identity.publicKey().address(HandshakeSide.REALM));
        assertThat(aliceAtBob).as("the responder learns the initiator from its proof").isNotNull();
        assertThat(aliceAtBob.endpoint()).isEqualTo(alice.endpoint);
        assertThat(bob.established).containsExactly(aliceAtBob);
        assertThat(bob.handshakes.pending()).isZero();

        DataPacket confirmation = (DataPacket) bob.sent();
        Keypair keypair = (Keypair) alice.indexes.get(confirmation.receiverIndex());
        ByteBuffer plaintext = ByteBuffer.allocate(WireFormat.MAX_DATAGRAM);
        assertThat(keypair.open(confirmation, plaintext)).isNull();
        confirmation.release();
        assertThat(plaintext.remaining()).isEqualTo(Handshakes.CONFIRMATION_LENGTH);
        alice.handshakes.onConfirmation(keypair, plaintext, 4);

        assertThat(keypair.confirmed).isTrue();
        assertThat(alice.established).containsExactly(bobAtAlice);
        assertThat(bobAtAlice.connection()).isNotNull();
        assertThat(aliceAtBob.connection()).isNotNull();
    }

    @Test
    void aConfirmationNamingANumberOutsideTheRuleConfirmsNothing() {
        Peer bobAtAlice = alice.know(bob);
        bob.handshakes.onFinal(upToFinal(bobAtAlice), Route.direct(alice.endpoint), 3);
        ((DataPacket) bob.sent()).release(); // bob's genuine confirmation, lost
        Keypair atAlice = bobAtAlice.current;

        for (long number : new long[] {0, ConnectionNumbers.LIMIT, ConnectionNumbers.MAX}) {
            ByteBuffer forged = ByteBuffer.allocate(Handshakes.CONFIRMATION_LENGTH);
            ConnectionNumbers.put(forged, number);
            alice.handshakes.onConfirmation(atAlice, forged.flip(), 4);
        }

        assertThat(atAlice.confirmed).isFalse();
        assertThat(alice.drops.get(DropReason.HANDSHAKE_FAILED)).isEqualTo(3);
        assertThat(bobAtAlice.connection()).isNull();
    }

    @Test
    void anInitiatorToldTheNumberOfAConnectionItClosedMeanwhileStartsOverWithinTheFirstAttemptsTimeout() {
        Peer bobAtAlice = alice.know(bob);
        handshake(bobAtAlice, 0);
        assertThat(bobAtAlice.connection()).isNotNull();

        alice.handshakes.initiate(bobAtAlice, 100); // a rekey
        bob.handshakes.onInit((HandshakeInit) alice.sent(), Route.direct(alice.endpoint), 101);
        alice.handshakes.onResponse((HandshakeResponse) bob.sent(), Route.direct(bob.endpoint), 102);
        bobAtAlice.connection().close(0, "idle"); // closes at alice after her FINAL said it was live
        bob.handshakes.onFinal((HandshakeFinal) alice.sent(), Route.direct(alice.endpoint), 103);
        confirm(bobAtAlice, 104);

        assertThat(bobAtAlice.initiation).as("a new handshake, for a new connection").isNotNull();
        assertThat(bobAtAlice.initiation.startedNanos).as("timed from the first attempt").isEqualTo(100);
    }

    /** Alice initiates at 0, bob answers at 1, she takes his RESPONSE at 2: the FINAL she then sends, not yet delivered. */
    private HandshakeFinal upToFinal(Peer bobAtAlice) {
        alice.handshakes.initiate(bobAtAlice, 0);
        bob.handshakes.onInit((HandshakeInit) alice.sent(), Route.direct(alice.endpoint), 1);
        alice.handshakes.onResponse((HandshakeResponse) bob.sent(), Route.direct(bob.endpoint), 2);
        return (HandshakeFinal) alice.sent();
    }

    /** A whole first handshake from alice to {@code bobAtAlice}, started at {@code now}. */
    private void handshake(Peer bobAtAlice, long now) {
        alice.handshakes.initiate(bobAtAlice, now);
        bob.handshakes.onInit((HandshakeInit) alice.sent(), Route.direct(alice.endpoint), now + 1);
        alice.handshakes.onResponse((HandshakeResponse) bob.sent(), Route.direct(bob.endpoint), now + 2);
        bob.handshakes.onFinal((HandshakeFinal) alice.sent(), Route.direct(alice.endpoint), now + 3);
        confirm(bobAtAlice, now + 4);
    }

    /** Hands bob's next datagram, a confirmation, to alice. */
    private void confirm(Peer bobAtAlice, long now) {
        DataPacket confirmation = (DataPacket) bob.sent();
        try {
            Keypair keypair = (Keypair) alice.indexes.get(confirmation.receiverIndex());
            ByteBuffer plaintext = ByteBuffer.allocate(WireFormat.MAX_LARGE_DATAGRAM);
            assertThat(keypair.open(confirmation, plaintext)).isNull();
            alice.handshakes.onConfirmation(keypair, plaintext, now);
        } finally {
            confirmation.release();
        }
    }

    @Test
    void aRepeatedInitiationGetsTheSameAnswerWithoutNewState() {
        alice.handshakes.initiate(alice.know(bob), 0);
        HandshakeInit init = (HandshakeInit) alice.sent();

        bob.handshakes.onInit(init, Route.direct(alice.endpoint), 1);
        bob.handshakes.onInit(init, Route.direct(alice.endpoint), 2);

        HandshakeResponse first = (HandshakeResponse) bob.sent();
        HandshakeResponse second = (HandshakeResponse) bob.sent();
        assertThat(second.senderIndex()).isEqualTo(first.senderIndex());
        assertThat(bob.handshakes.pending()).isOne();
    }

    @Test
    void onlyTheVeryFinalThatMadeTheKeysIsConfirmedAgainAndNotTooOften() {
        Peer bobAtAlice = alice.know(bob);
        HandshakeFinal fin = upToFinal(bobAtAlice);
        bob.handshakes.onFinal(fin, Route.direct(alice.endpoint), 3);
        ((DataPacket) bob.sent()).release(); // the confirmation
        long later = 3 + SessionSettings.DEFAULTS.handshakeRetransmit().toNanos();

        byte[] forged = fin.noiseMessage().clone();
        forged[forged.length - 1] ^= 1;
        bob.handshakes.onFinal(new HandshakeFinal(fin.receiverIndex(), forged), Route.direct(alice.endpoint), later);
        assertThat(bob.drops.get(DropReason.HANDSHAKE_FAILED)).as("another message at the same index").isOne();
        bob.handshakes.onFinal(fin, Route.direct(alice.endpoint), 4);
        assertThat(bob.drops.get(DropReason.RATE_LIMITED)).as("the same one again at once").isOne();
        assertThat((Object) bob.channel.readOutbound()).isNull();

        bob.handshakes.onFinal(fin, Route.direct(alice.endpoint), later);
        DataPacket again = (DataPacket) bob.sent();
        assertThat(again.datagram().readableBytes())
                .isEqualTo(WireFormat.DATA_HEADER_LENGTH + Handshakes.CONFIRMATION_LENGTH + WireFormat.TAG_LENGTH);
        again.release();
    }

    @Test
    void forgedFinalsAtAPendingResponderAreRefusedAndTheGenuineOneStillCompletesTheHandshake() {
        Peer bobAtAlice = alice.know(bob);
        HandshakeFinal fin = upToFinal(bobAtAlice);

        // Someone who saw the RESPONSE knows bob's index, and answers at it first, from anywhere.
        byte[] flipped = fin.noiseMessage().clone();
        flipped[flipped.length - 1] ^= 1;
        byte[] random = new byte[fin.noiseMessage().length];
        new SecureRandom().nextBytes(random);
        InetSocketAddress elsewhere = new InetSocketAddress("10.0.0.9", 4000);
        for (byte[] forged : List.of(flipped, random, new byte[0], Arrays.copyOf(fin.noiseMessage(), 40))) {
            bob.handshakes.onFinal(new HandshakeFinal(fin.receiverIndex(), forged), Route.direct(elsewhere), 3);
        }
        assertThat(bob.drops.get(DropReason.HANDSHAKE_FAILED)).isEqualTo(4);
        assertThat(bob.handshakes.pending()).as("the half-open handshake stays").isOne();
        assertThat(bob.established).isEmpty();

        bob.handshakes.onFinal(fin, Route.direct(alice.endpoint), 4);
        Peer aliceAtBob = bob.peers.get(alice.identity.publicKey().address(HandshakeSide.REALM));
        assertThat(bob.established).containsExactly(aliceAtBob);
        assertThat(aliceAtBob.endpoint()).isEqualTo(alice.endpoint);
        confirm(bobAtAlice, 5);
        assertThat(alice.established).containsExactly(bobAtAlice);
    }

    @Test
    void forgedResponsesToAnInitiationAreRefusedAndTheGenuineOneStillAnswersIt() {
        Peer bobAtAlice = alice.know(bob);
        alice.handshakes.initiate(bobAtAlice, 0);
        HandshakeInit init = (HandshakeInit) alice.sent();
        Initiation waiting = bobAtAlice.initiation;
        bob.handshakes.onInit(init, Route.direct(alice.endpoint), 1);
        HandshakeResponse genuine = (HandshakeResponse) bob.sent();

        // Someone who saw the INIT knows alice's index, and answers at it before bob does.
        byte[] flipped = genuine.noiseMessage().clone();
        flipped[flipped.length - 1] ^= 1;
        for (byte[] forged : List.of(flipped, new byte[genuine.noiseMessage().length], new byte[3])) {
            alice.handshakes.onResponse(new HandshakeResponse(genuine.senderIndex(), genuine.receiverIndex(), forged),
                    Route.direct(bob.endpoint), 2);
        }
        assertThat(alice.drops.get(DropReason.HANDSHAKE_FAILED)).isEqualTo(3);
        assertThat(bobAtAlice.initiation).as("the same initiation, still waiting").isSameAs(waiting);
        assertThat((Object) alice.channel.readOutbound()).as("nothing sent again for a forgery").isNull();

        alice.handshakes.onResponse(genuine, Route.direct(bob.endpoint), 3);
        assertThat(bobAtAlice.initiation).isNull();
        bob.handshakes.onFinal((HandshakeFinal) alice.sent(), Route.direct(alice.endpoint), 4);
        confirm(bobAtAlice, 5);
        assertThat(alice.established).containsExactly(bobAtAlice);
    }

    @Test
    void aKeyOtherThanThePinnedOneAbandonsTheHandshake() {
        HandshakeSide mallory = new HandshakeSide(bob.endpoint, SessionSettings.DEFAULTS);
        Peer bobAtAlice = alice.know(bob);
        List<Throwable> failures = new ArrayList<>();
        alice.handshakes.initiate(bobAtAlice, 0);
        bobAtAlice.waiters.add((peer, error) -> failures.add(error));

        mallory.handshakes.onInit((HandshakeInit) alice.sent(), Route.direct(alice.endpoint), 1);
        alice.handshakes.onResponse((HandshakeResponse) mallory.sent(), Route.direct(bob.endpoint), 2);

        assertThat(alice.drops.get(DropReason.UNEXPECTED_KEY)).isOne();
        assertThat(bobAtAlice.initiation).isNull();
        assertThat(bobAtAlice.current).isNull();
        assertThat(failures).singleElement().isInstanceOf(SessionException.class);
        mallory.channel.finishAndReleaseAll();
    }

    @Test
    void underLoadAnInitiationWithoutACookieGetsOneAndTheRetryIsAnswered() {
        HandshakeSide busyBob = new HandshakeSide(bob.endpoint, SessionSettings.DEFAULTS.withHandshakeLimits(50, 1, 4096));
        Peer bobAtAlice = alice.know(busyBob);
        HandshakeSide carol = new HandshakeSide(new InetSocketAddress("10.0.0.3", 4000), SessionSettings.DEFAULTS);
        carol.handshakes.initiate(carol.know(busyBob), 0);
        busyBob.handshakes.onInit((HandshakeInit) carol.sent(), Route.direct(carol.endpoint), 0);
        assertThat(busyBob.sent()).as("the first initiation this second is answered").isInstanceOf(HandshakeResponse.class);
        carol.channel.finishAndReleaseAll();
        alice.handshakes.initiate(bobAtAlice, 0);
        HandshakeInit init = (HandshakeInit) alice.sent();

        busyBob.handshakes.onInit(init, Route.direct(alice.endpoint), 1);
        assertThat(busyBob.drops.get(DropReason.COOKIE_REQUIRED)).isOne();
        alice.handshakes.onCookie((CookieReply) busyBob.sent(), Route.direct(busyBob.endpoint), 2);
        HandshakeInit withCookie = (HandshakeInit) alice.sent();
        assertThat(withCookie.hasCookie()).isTrue();

        busyBob.handshakes.onInit(withCookie, Route.direct(alice.endpoint), 3);
        assertThat(busyBob.sent()).isInstanceOf(HandshakeResponse.class);
        busyBob.channel.finishAndReleaseAll();
    }

    @Test
    void forgedCookieRepliesMakeAnInitiationGoAgainOnlyToItsTargetsAndAtMostOncePerInterval() {
        Peer bobAtAlice = alice.know(bob);
        alice.handshakes.initiate(bobAtAlice, 0);
        int index = ((HandshakeInit) alice.sent()).senderIndex();
        InetSocketAddress elsewhere = new InetSocketAddress("10.0.0.66", 4000);

        alice.handshakes.onCookie(new CookieReply(index, cookie(1)), Route.direct(elsewhere), 1);
        DatagramPacket again = alice.channel.readOutbound();
        assertThat(again.recipient()).as("from elsewhere: to the handshake targets, never to the reply's source")
                .isEqualTo(bob.endpoint);
        again.release();
        assertThat((Object) alice.channel.readOutbound()).isNull();
        for (int i = 3; i < 50; i++) {
            alice.handshakes.onCookie(new CookieReply(index, cookie(i)), Route.direct(bob.endpoint), 1 + i * 1_000_000L);
        }
        assertThat((Object) alice.channel.readOutbound()).as("47 more replies within 100 ms: none answered").isNull();
        assertThat(alice.drops.get(DropReason.RATE_LIMITED)).isEqualTo(47);

        alice.handshakes.onCookie(new CookieReply(index, cookie(99)), Route.direct(bob.endpoint),
                1 + Initiation.COOKIE_RESEND_INTERVAL_NANOS);
        DatagramPacket later = alice.channel.readOutbound();
        assertThat(later.recipient()).as("from a target: to that one").isEqualTo(bob.endpoint);
        later.release();
    }

    private static byte[] cookie(int seed) {
        byte[] cookie = new byte[WireFormat.COOKIE_LENGTH];
        java.util.Arrays.fill(cookie, (byte) seed);
        return cookie;
    }

    @Test
    void aRelayedInitiationUnderLoadGetsItsCookieThroughTheRelayAndItsRetryThroughTheRelayIsAnswered() {
        HandshakeSide busyBob = new HandshakeSide(bob.endpoint, SessionSettings.DEFAULTS.withHandshakeLimits(50, 1, 4096));
        InetSocketAddress relay = new InetSocketAddress("10.0.0.9", 4000);
        PilotAddress relayAddress = new PilotAddress(HandshakeSide.REALM, 9);
        busyBob.paths.useRelay(relay, relayAddress);
        alice.paths.useRelay(relay, relayAddress);
        Route fromAlice = Route.relayed(alice.address());
        HandshakeSide carol = new HandshakeSide(new InetSocketAddress("10.0.0.3", 4000), SessionSettings.DEFAULTS);
        carol.handshakes.initiate(carol.know(busyBob), 0);
        busyBob.handshakes.onInit((HandshakeInit) carol.sent(), Route.relayed(carol.address()), 0);
        assertThat(busyBob.sentThroughRelay(carol.address())).as("the first relayed initiation this second is answered")
                .isInstanceOf(HandshakeResponse.class);
        carol.channel.finishAndReleaseAll();
        Peer bobAtAlice = alice.know(busyBob);
        alice.handshakes.initiate(bobAtAlice, 0);
        HandshakeInit init = (HandshakeInit) alice.sent();

        busyBob.handshakes.onInit(init, fromAlice, 1);
        assertThat(busyBob.drops.get(DropReason.COOKIE_REQUIRED)).isOne();
        CookieReply reply = (CookieReply) busyBob.sentThroughRelay(alice.address());
        alice.handshakes.onCookie(reply, Route.relayed(busyBob.address()), 2);
        HandshakeInit withCookie = (HandshakeInit) alice.sentThroughRelay(busyBob.address());
        assertThat(withCookie.hasCookie()).isTrue();
        assertThat(bobAtAlice.initiation.message.hasCookie()).as("the relay's cookie is not sent directly").isFalse();

        busyBob.handshakes.onInit(withCookie, fromAlice, 3);
        assertThat(busyBob.sentThroughRelay(alice.address())).isInstanceOf(HandshakeResponse.class);
        assertThat(busyBob.responders.relayedSize()).isEqualTo(2);
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
