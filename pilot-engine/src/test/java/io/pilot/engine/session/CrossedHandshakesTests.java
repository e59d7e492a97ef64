package io.pilot.engine.session;

import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.HandshakeFinal;
import io.pilot.engine.wire.HandshakeInit;
import io.pilot.engine.wire.HandshakeResponse;
import io.pilot.engine.wire.WireFormat;
import io.pilot.engine.wire.WirePacket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes that start handshakes with each other at once (a hole punch, or two first contacts) over a
 * network that loses, repeats and reorders: whatever the order, both ends must end on one connection and
 * agree, for every key pair, which connection its packets belong to. Each seed is one interleaving, replayable.
 */
class CrossedHandshakesTests {

    private static final long MS = 1_000_000L;

    private final HandshakeSide alice = new HandshakeSide(new InetSocketAddress("10.0.0.1", 4000), SessionSettings.DEFAULTS);
    private final HandshakeSide bob = new HandshakeSide(new InetSocketAddress("10.0.0.2", 4000), SessionSettings.DEFAULTS);
    private final List<InFlight> inFlight = new ArrayList<>();
    private long now;

    private record InFlight(HandshakeSide to, HandshakeSide from, WirePacket packet) {
    }

    @AfterEach
    void releaseWhatWasSent() {
        inFlight.stream().filter(f -> f.packet instanceof DataPacket).forEach(f -> ((DataPacket) f.packet).release());
        alice.channel.finishAndReleaseAll();
        bob.channel.finishAndReleaseAll();
    }

    static LongStream seeds() {
        return LongStream.range(0, 400);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void bothEndsSettleOnOneConnectionAndAgreeWhereEveryKeyPairBelongs(long seed) {
        Random random = new Random(seed);
        Peer bobAtAlice = alice.know(bob);
        Peer aliceAtBob = bob.know(alice);
        alice.handshakes.initiate(bobAtAlice, now);
        now += random.nextInt(20) * MS;
        bob.handshakes.initiate(aliceAtBob, now);
        collectSent();

        for (int step = 0; step < 60; step++) {
            now += (1 + random.nextInt(40)) * MS;
            int action = random.nextInt(10);
            if (action < 6 && !inFlight.isEmpty()) {
                InFlight next = inFlight.remove(random.nextInt(inFlight.size()));
                if (random.nextInt(5) == 0) {
                    discard(next); // lost
                } else {
                    deliver(next);
                }
            } else if (action < 9) {
                retransmit(random.nextBoolean() ? alice : bob, random.nextBoolean() ? bobAtAlice : aliceAtBob);
            } else {
                // A rekey or the stale rule: another handshake, unless one is under way.
                HandshakeSide side = random.nextBoolean() ? alice : bob;
                side.handshakes.initiate(side == alice ? bobAtAlice : aliceAtBob, now);
            }
            collectSent();
        }
        // Then the network heals: everything in flight arrives, and the timers repeat what is still unanswered
        // and give up keys whose confirmation never came (KeyTimers).
        heal(bobAtAlice, aliceAtBob);

        assertThat(unsettled(bobAtAlice) || unsettled(aliceAtBob)).as("handshakes settled").isFalse();
        assertThat(bobAtAlice.connection()).isNotNull();
        assertThat(aliceAtBob.connection()).isNotNull();
        assertThat(bobAtAlice.connection().isClosed()).as("alice's connection open").isFalse();
        assertThat(aliceAtBob.connection().isClosed()).as("bob's connection open").isFalse();
        assertThat(bobAtAlice.connectionNumber).as("both ends name the connection alike").isEqualTo(aliceAtBob.connectionNumber);
        assertSameBindings(alice, bobAtAlice, bob);
        assertSameBindings(bob, aliceAtBob, alice);
        for (HandshakeSide sender : List.of(alice, bob)) {
            HandshakeSide receiver = sender == alice ? bob : alice;
            Peer atSender = sender == alice ? bobAtAlice : aliceAtBob;
            Peer atReceiver = sender == alice ? aliceAtBob : bobAtAlice;
            Keypair sending = atSender.dataKeypair(now, SessionSettings.DEFAULTS);
            assertThat(sending).as("a key pair to send the connection's packets with").isNotNull();
            if (receiver.indexes.get(sending.remoteIndex) instanceof Keypair twin) {
                assertThat(Establishment.carriesConnection(atReceiver, twin))
                        .as("the receiver hands what it is sent to its connection").isTrue();
            } else {
                // Three handshakes in a row can retire at one end keys the other still sends with (each end keeps
                // three key pairs). Its packets then go unanswered and the stale rule starts another handshake,
                // which must bring both ends onto keys of the same connection, not a new connection.
                sender.handshakes.initiate(atSender, now);
                collectSent();
                heal(bobAtAlice, aliceAtBob);
                assertThat(deliverable(atSender, receiver, atReceiver)).as("after the stale rule's handshake").isTrue();
            }
        }
        assertThat(alice.connectionsMade()).as("alice made one connection, never replaced").isOne();
        assertThat(bob.connectionsMade()).as("bob made one connection, never replaced").isOne();
    }

    private void heal(Peer bobAtAlice, Peer aliceAtBob) {
        for (int round = 0; round < 40 && (!inFlight.isEmpty() || unsettled(bobAtAlice) || unsettled(aliceAtBob)); round++) {
            now += 300 * MS;
            while (!inFlight.isEmpty()) {
                deliver(inFlight.remove(0));
                collectSent();
            }
            giveUpUnconfirmed(alice, bobAtAlice);
            giveUpUnconfirmed(bob, aliceAtBob);
            retransmit(alice, bobAtAlice);
            retransmit(bob, aliceAtBob);
            collectSent();
        }
    }

    /** As KeyTimers does: keys whose confirmation has not come within the connect timeout are dropped. */
    private void giveUpUnconfirmed(HandshakeSide side, Peer peer) {
        long timeout = SessionSettings.DEFAULTS.connectTimeout().toNanos();
        if (peer.current != null && !peer.current.confirmed && peer.current.ageNanos(now) >= timeout) {
            side.indexes.retire(peer.current);
            peer.current = null;
        }
        if (peer.next != null && !peer.next.confirmed && peer.next.ageNanos(now) >= timeout) {
            side.indexes.retire(peer.next);
            peer.next = null;
        }
        if (peer.previous != null && !peer.previous.confirmed && peer.previous.ageNanos(now) >= timeout) {
            side.indexes.retire(peer.previous);
            peer.previous = null;
        }
    }

    /**
     * Every key pair both ends hold confirmed is bound to the same connection at both. (An initiator's key pair
     * pushed out of its slots before its confirmation stays bound to none: the deliverability check covers it.)
     */
    private static void assertSameBindings(HandshakeSide side, Peer peer, HandshakeSide other) {
        for (Keypair keypair : new Keypair[] {peer.previous, peer.current, peer.next}) {
            if (keypair != null && keypair.confirmed && other.indexes.get(keypair.remoteIndex) instanceof Keypair twin
                    && twin.confirmed) {
                assertThat(twin.connectionNumber).as("the connection of key pair %d at both ends", keypair.localIndex)
                        .isEqualTo(keypair.connectionNumber);
            }
        }
    }

    /** What the sender sends its connection's packets with, the receiver holds and hands to its connection. */
    private boolean deliverable(Peer atSender, HandshakeSide receiver, Peer atReceiver) {
        Keypair sending = atSender.dataKeypair(now, SessionSettings.DEFAULTS);
        assertThat(sending).as("a key pair to send the connection's packets with").isNotNull();
        assertThat(Establishment.carriesConnection(atSender, sending)).isTrue();
        return receiver.indexes.get(sending.remoteIndex) instanceof Keypair receiving
                && Establishment.carriesConnection(atReceiver, receiving);
    }

    private static boolean unsettled(Peer peer) {
        return peer.initiation != null || peer.current != null && !peer.current.confirmed
                || peer.next != null && !peer.next.confirmed || peer.previous != null && !peer.previous.confirmed;
    }

    /** What the timers would repeat now: an unanswered INIT, an unconfirmed FINAL in any slot. */
    private void retransmit(HandshakeSide side, Peer peer) {
        if (peer.initiation != null) {
            side.handshakes.resendInitiation(peer, now);
        }
        for (Keypair keypair : new Keypair[] {peer.current, peer.next, peer.previous}) {
            if (keypair != null && !keypair.confirmed) {
                side.handshakes.sendFinal(peer, keypair);
            }
        }
    }

    private void collectSent() {
        for (HandshakeSide from : List.of(alice, bob)) {
            HandshakeSide to = from == alice ? bob : alice;
            while (!from.channel.outboundMessages().isEmpty()) {
                inFlight.add(new InFlight(to, from, from.sent()));
            }
        }
    }

    private void deliver(InFlight flight) {
        Route from = Route.direct(flight.from.endpoint);
        HandshakeSide to = flight.to;
        if (flight.packet instanceof HandshakeInit init) {
            to.handshakes.onInit(init, from, now);
        } else if (flight.packet instanceof HandshakeResponse response) {
            to.handshakes.onResponse(response, from, now);
        } else if (flight.packet instanceof HandshakeFinal fin) {
            to.handshakes.onFinal(fin, from, now);
        } else if (flight.packet instanceof DataPacket data) {
            try {
                if (to.indexes.get(data.receiverIndex()) instanceof Keypair keypair) {
                    ByteBuffer plaintext = ByteBuffer.allocate(WireFormat.MAX_LARGE_DATAGRAM);
                    assertThat(keypair.open(data, plaintext)).isNull();
                    assertThat(plaintext.remaining()).isEqualTo(Handshakes.CONFIRMATION_LENGTH);
                    to.handshakes.onConfirmation(keypair, plaintext, now);
                }
            } finally {
                data.release();
            }
        }
    }

    private static void discard(InFlight flight) {
        if (flight.packet instanceof DataPacket data) {
            data.release();
        }
    }
}
