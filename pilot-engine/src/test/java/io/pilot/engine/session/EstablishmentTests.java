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

    private Keypair keys(long bootId, long handshakeStarted) {
        Keypair keypair = new Keypair(1, 2, false, handshakeStarted, peer, new byte[32], new byte[32]);
        keypair.remoteBootId = bootId;
        keypair.handshakeStartedNanos = handshakeStarted;
        return keypair;
    }

    @Test
    void firstContactMakesAConnectionAndAnswersWhoeverWaited() {
        List<Throwable> answers = new ArrayList<>();
        peer.waiters.add((p, error) -> answers.add(error));
        Keypair keypair = keys(7, 0);

        establishment.established(peer, keypair, true, 10);

        assertThat(peer.connection()).isNotNull();
        assertThat(peer.connectionGeneration).isOne();
        assertThat(keypair.generation).isOne();
        assertThat(peer.remoteBootId).isEqualTo(7);
        assertThat(told).containsExactly(true);
        assertThat(answers).containsExactly((Throwable) null);
        assertThat(peer.waiters).isEmpty();
        assertThat(flushed).containsExactly(peer);
        assertThat(establishment.completed()).isOne();
    }

    @Test
    void aHandshakeThatCrossedWithTheOneThatMadeTheConnectionKeepsIt() {
        establishment.established(peer, keys(7, 0), true, 10);
        Connection first = peer.connection();

        Keypair crossing = keys(7, 5); // started before the connection was made at 10
        establishment.established(peer, crossing, true, 12);

        assertThat(peer.connection()).isSameAs(first);
        assertThat(crossing.generation).isOne();
        assertThat(told).containsExactly(true, false);
    }

    @Test
    void aRestartedPeerGetsANewConnectionAndTheOldOneCloses() {
        establishment.established(peer, keys(7, 0), true, 10);
        Connection first = peer.connection();

        establishment.established(peer, keys(8, 20), Establishment.needsFreshConnection(peer,
                new IdentityProof(1, peer.key(), 8, new byte[64])), 30);

        assertThat(first.isClosed()).isTrue();
        assertThat(peer.connection()).isNotSameAs(first);
        assertThat(peer.connectionGeneration).isEqualTo(2);
        assertThat(peer.remoteBootId).isEqualTo(8);
    }

    @Test
    void aRekeyCarriesTheConnectionOn() {
        establishment.established(peer, keys(7, 0), true, 10);
        Connection first = peer.connection();
        assertThat(Establishment.needsFreshConnection(peer, new IdentityProof(1, peer.key(), 7, new byte[64]))).isFalse();

        establishment.established(peer, keys(7, 100), false, 110);

        assertThat(peer.connection()).isSameAs(first);
        assertThat(establishment.completed()).isEqualTo(2);
    }
}
