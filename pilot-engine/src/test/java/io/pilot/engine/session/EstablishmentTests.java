package io.pilot.engine.session;

import io.pilot.engine.identity.Identity;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.transport.ConnectionHandler;
import io.pilot.engine.transport.TransportConfig;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EstablishmentTests {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Boolean> told = new ArrayList<>();
    private final List<Peer> flushed = new ArrayList<>();
    private final SessionEvents events = new SessionEvents() {
        @Override
        public ConnectionHandler connectionHandler(Peer peer) {
            return stream -> { };
        }

        @Override
        public void established(Peer peer, boolean newConnection) {
            told.add(newConnection);
        }
    };
    private final Establishment establishment = new Establishment(Identity.generate(RANDOM).publicKey(),
            TransportConfig.defaults(), events, (peer, now) -> flushed.add(peer));
    private final Peer peer = peerWithKey();

    private static Peer peerWithKey() {
        Identity remote = Identity.generate(RANDOM);
        return new Peer(remote.publicKey().address(1), remote.publicKey(), null);
    }

    private Keypair keys(long bootId) {
        Keypair keypair = new Keypair(1, 2, false, 0, peer, new byte[32], new byte[32]);
        keypair.remoteBootId = bootId;
        return keypair;
    }

    private static IdentityProof proofOf(Peer peer, long bootId) {
        return new IdentityProof(1, peer.key(), bootId, new byte[64]);
    }

    @Test
    void firstContactMakesAConnectionAndAnswersWhoeverWaited() {
        List<Throwable> answers = new ArrayList<>();
        peer.waiters.add((p, error) -> answers.add(error));
        Keypair keypair = keys(7);
        long number = establishment.decide(peer, proofOf(peer, 7), true, 0);

        assertThat(establishment.established(peer, keypair, number, 10)).isTrue();

        assertThat(number).isOne();
        assertThat(peer.connection()).isNotNull();
        assertThat(peer.connectionNumber).isOne();
        assertThat(Establishment.carriesConnection(peer, keypair)).isTrue();
        assertThat(peer.remoteBootId).isEqualTo(7);
        assertThat(told).containsExactly(true);
        assertThat(answers).containsExactly((Throwable) null);
        assertThat(peer.waiters).isEmpty();
        assertThat(flushed).containsExactly(peer);
        assertThat(establishment.completed()).isOne();
    }

    @Test
    void aFreshRequestStatingANumberThisSideHasAlreadyMovedPastKeepsTheConnection() {
        establishment.established(peer, keys(7), establishment.decide(peer, proofOf(peer, 7), true, 0), 10);
        Connection first = peer.connection();

        // The initiator wrote its FINAL before the crossed handshake that made connection 1 reached it.
        long number = establishment.decide(peer, proofOf(peer, 7), true, 0);
        Keypair crossing = keys(7);
        establishment.established(peer, crossing, number, 12);

        assertThat(number).isOne();
        assertThat(peer.connection()).isSameAs(first);
        assertThat(Establishment.carriesConnection(peer, crossing)).isTrue();
        assertThat(told).containsExactly(true, false);
    }

    @Test
    void aFreshRequestForTheCurrentConnectionReplacesIt() {
        establishment.established(peer, keys(7), 1, 10);
        Connection first = peer.connection();

        // The initiator closed connection 1 (idle, unresponsive) while this side still holds it open.
        long number = establishment.decide(peer, proofOf(peer, 7), true, 1);
        establishment.established(peer, keys(7), number, 20);

        assertThat(number).isEqualTo(2);
        assertThat(first.isClosed()).isTrue();
        assertThat(peer.connection()).isNotSameAs(first);
    }

    @Test
    void anInitiatorAheadOfThisSideIsFollowedAndOneBehindCatchesUp() {
        establishment.established(peer, keys(7), 3, 10);
        assertThat(establishment.decide(peer, proofOf(peer, 7), false, 5)).as("the initiator made 5 in a crossing").isEqualTo(5);
        assertThat(establishment.decide(peer, proofOf(peer, 7), false, 2)).as("the initiator has not heard of 3 yet").isEqualTo(3);
    }

    @Test
    void keysBoundToAConnectionBothEndsLeftCarryNothing() {
        establishment.established(peer, keys(7), 2, 10);
        Keypair late = keys(7);

        establishment.established(peer, late, 1, 20);

        assertThat(peer.connectionNumber).isEqualTo(2);
        assertThat(Establishment.carriesConnection(peer, late)).isFalse();
    }

    @Test
    void aNumberAgreedWithOnePeerDoesNotRaiseWhatAnotherIsTold() {
        // A hostile peer stating the top of the range spends its own pair's numbers only.
        long number = establishment.decide(peer, proofOf(peer, 7), true, ConnectionNumbers.LIMIT - 1);
        establishment.established(peer, keys(7), number, 10);
        Peer other = peerWithKey();

        assertThat(establishment.statedNumber(peer)).isEqualTo(ConnectionNumbers.LIMIT);
        assertThat(establishment.statedNumber(other)).isZero();
        assertThat(establishment.decide(other, proofOf(other, 7), true, 0)).isOne();
    }

    @Test
    void aRestartedPeerGetsANewConnectionAndTheOldOneCloses() {
        establishment.established(peer, keys(7), 1, 10);
        Connection first = peer.connection();

        long number = establishment.decide(peer, proofOf(peer, 8), false, 0);
        establishment.established(peer, keys(8), number, 30);

        assertThat(number).isEqualTo(2);
        assertThat(first.isClosed()).isTrue();
        assertThat(peer.connection()).isNotSameAs(first);
        assertThat(peer.remoteBootId).isEqualTo(8);
    }

    @Test
    void aRekeyCarriesTheConnectionOn() {
        establishment.established(peer, keys(7), 1, 10);
        Connection first = peer.connection();
        assertThat(Establishment.needsFreshConnection(peer, proofOf(peer, 7))).isFalse();

        long number = establishment.decide(peer, proofOf(peer, 7), false, 1);
        establishment.established(peer, keys(7), number, 110);

        assertThat(number).isOne();
        assertThat(peer.connection()).isSameAs(first);
        assertThat(establishment.completed()).isEqualTo(2);
    }

    @Test
    void anInitiatorToldTheNumberOfAConnectionItHasClosedAnswersNoWaiter() {
        establishment.established(peer, keys(7), 1, 10);
        peer.connection().close(0, "idle");
        List<Throwable> answers = new ArrayList<>();
        peer.waiters.add((p, error) -> answers.add(error));

        assertThat(establishment.established(peer, keys(7), 1, 20)).isFalse();

        assertThat(answers).isEmpty();
        assertThat(peer.waiters).hasSize(1);
    }
}
