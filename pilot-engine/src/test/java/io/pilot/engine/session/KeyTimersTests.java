package io.pilot.engine.session;

import io.pilot.engine.wire.HandshakeInit;
import io.pilot.engine.wire.HandshakeResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The session clock driven by hand: every tick gets the time it is told. */
class KeyTimersTests {

    private static final long MS = 1_000_000L;

    private final SessionSettings settings = SessionSettings.DEFAULTS;
    private final HandshakeSide alice = new HandshakeSide(new InetSocketAddress("10.0.0.1", 4000), settings);
    private final HandshakeSide bob = new HandshakeSide(new InetSocketAddress("10.0.0.2", 4000), settings);
    private final KeyTimers timers = new KeyTimers(settings, alice.peers, alice.responders, alice.indexes,
            alice.handshakes, alice.paths);

    @AfterEach
    void releaseWhatWasSent() {
        alice.channel.finishAndReleaseAll();
        bob.channel.finishAndReleaseAll();
    }

    private int initsSent() {
        int count = 0;
        while (alice.channel.outboundMessages().peek() != null) {
            assertThat(alice.sent()).isInstanceOf(HandshakeInit.class);
            count++;
        }
        return count;
    }

    @Test
    void anUnansweredInitiationIsRepeatedWithDoublingIntervalsThenGivenUp() {
        Peer bobAtAlice = alice.know(bob);
        List<Throwable> failures = new ArrayList<>();
        bobAtAlice.waiters.add((peer, error) -> failures.add(error));
        alice.handshakes.initiate(bobAtAlice, 0);
        assertThat(initsSent()).isOne();
        long first = settings.handshakeRetransmit().toNanos();

        timers.tick(first - 1);
        assertThat(initsSent()).as("not yet").isZero();
        timers.tick(first);
        assertThat(initsSent()).isOne();
        timers.tick(first + first);
        assertThat(initsSent()).as("the interval doubled").isZero();
        timers.tick(first + 2 * first);
        assertThat(initsSent()).isOne();

        timers.tick(settings.connectTimeout().toNanos());

        assertThat(bobAtAlice.initiation).isNull();
        assertThat(failures).singleElement().isInstanceOf(SessionException.class);
        assertThat(alice.indexes.size()).as("the initiation's index is freed").isZero();
    }

    @Test
    void keysPastTheirHardAgeAreRetired() {
        Peer peer = TestPeers.established(bob.identity.publicKey().address(HandshakeSide.REALM), bob.endpoint, 10);
        alice.peers.add(peer);
        alice.indexes.put(10, peer.current);

        timers.tick(settings.rejectAfterTime().toNanos());

        assertThat(peer.current).isNull();
        assertThat(alice.indexes.get(10)).isNull();
    }

    @Test
    void theInitiatorOfOldKeysRekeysOnTimeAndTheResponderOnlyLater() {
        Peer peer = TestPeers.established(bob.identity.publicKey().address(HandshakeSide.REALM), bob.endpoint, 10);
        alice.peers.add(peer);
        long rekey = settings.rekeyAfterTime().toNanos();

        timers.tick(rekey);
        assertThat(peer.initiation).as("responder keys: the initiator should rekey first").isNull();

        timers.tick(rekey + 40 * settings.handshakeRetransmit().toNanos());
        assertThat(peer.initiation).isNotNull();
    }

    @Test
    void aPeerSendingIntoSilenceIsRehandshaken() {
        SessionSettings quick = settings.withStaleAfter(Duration.ofSeconds(1));
        KeyTimers quickTimers = new KeyTimers(quick, alice.peers, alice.responders, alice.indexes, alice.handshakes,
                alice.paths);
        Peer peer = TestPeers.established(bob.identity.publicKey().address(HandshakeSide.REALM), bob.endpoint, 10);
        alice.peers.add(peer);
        peer.lastReceivedNanos = 0;
        peer.lastSentNanos = 1000 * MS + 1;

        quickTimers.tick(1000 * MS + 1);

        assertThat(peer.initiation).isNotNull();
    }

    @Test
    void halfOpenResponderHandshakesExpire() {
        alice.handshakes.initiate(alice.know(bob), 0);
        bob.handshakes.onInit((HandshakeInit) alice.sent(), Route.direct(alice.endpoint), 0);
        assertThat(bob.sent()).isInstanceOf(HandshakeResponse.class);
        KeyTimers bobTimers = new KeyTimers(settings, bob.peers, bob.responders, bob.indexes, bob.handshakes, bob.paths);

        bobTimers.tick(Responders.LIFETIME_NANOS - 1);
        assertThat(bob.handshakes.pending()).isOne();
        bobTimers.tick(Responders.LIFETIME_NANOS);
        assertThat(bob.handshakes.pending()).isZero();
    }

    @Test
    void aProvisionalPeerIsForgottenOnceItsHandshakeEnds() {
        Peer unknown = new Peer(null, null, bob.endpoint);
        alice.peers.addProvisional(unknown);
        alice.handshakes.initiate(unknown, 0);

        timers.tick(1);
        assertThat(alice.peers.provisional()).containsExactly(unknown);

        timers.tick(settings.connectTimeout().toNanos());
        assertThat(alice.peers.provisional()).isEmpty();
    }

    @Test
    void aPeerWithNothingGoingOnIsForgottenAfterTheIdleTimeout() {
        Peer bobAtAlice = alice.know(bob);
        long idle = settings.peerIdleTimeout().toNanos();

        timers.tick(0);
        timers.tick(idle - 1);
        assertThat(alice.peers.get(bobAtAlice.address)).as("not idle long enough").isSameAs(bobAtAlice);
        timers.tick(idle + KeyTimers.SWEEP_NANOS);

        assertThat(alice.peers.get(bobAtAlice.address)).isNull();
        assertThat(alice.paths.peerAt(bob.endpoint)).isNull();
        assertThat(timers.evicted()).isOne();
    }

    @Test
    void trafficOrAWaiterKeepsAPeer() {
        Peer bobAtAlice = alice.know(bob);
        long idle = settings.peerIdleTimeout().toNanos();
        timers.tick(0);
        bobAtAlice.lastReceivedNanos = idle / 2;
        timers.tick(idle + KeyTimers.SWEEP_NANOS);
        assertThat(alice.peers.get(bobAtAlice.address)).as("traffic restarted the idle time").isSameAs(bobAtAlice);

        bobAtAlice.waiters.add((peer, error) -> { });
        timers.tick(3 * idle);
        assertThat(alice.peers.get(bobAtAlice.address)).as("someone waits for it").isSameAs(bobAtAlice);
    }

    @Test
    void betweenSweepsOnlyBusyPeersAreWalked() {
        Peer bobAtAlice = alice.know(bob);
        timers.tick(0);
        assertThat(timers.busyPeers()).isZero();
        long first = settings.handshakeRetransmit().toNanos();

        alice.handshakes.initiate(bobAtAlice, 0);
        timers.busy(bobAtAlice);
        assertThat(initsSent()).isOne();
        timers.tick(first);

        assertThat(timers.busyPeers()).isOne();
        assertThat(initsSent()).as("the busy peer's retransmission is on time, between sweeps").isOne();
    }
}
