package io.pilot.engine.session;

import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.HandshakeFinal;
import io.pilot.engine.wire.HandshakeInit;
import io.pilot.engine.wire.HandshakeResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session clock driven by hand: every tick gets the time it is told. A peer is visited (its timers
 * looked at) only when one of them is due, so {@link KeyTimers#visits()} counts the cost of each scenario.
 */
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

    /** Files a peer as the engine does ({@code addPeer}, a handshake): its timers are scheduled from {@code now}. */
    private Peer file(Peer peer, long now) {
        alice.peers.add(peer);
        if (peer.current != null) {
            alice.indexes.put(peer.current.localIndex, peer.current);
        }
        timers.reschedule(peer, now);
        return peer;
    }

    /** An established peer with responder keys made at time 0 (rekey at 2 min 10 s, expiry at 3 min). */
    private Peer established(int n) {
        InetSocketAddress endpoint = new InetSocketAddress("10.1." + (n >> 8 & 0xFF) + "." + (n & 0xFF), 4000);
        return TestPeers.established(new PilotAddress(HandshakeSide.REALM, 0x1000 + n), endpoint, 100 + 2 * n);
    }

    private int datagramsSent() {
        int count = 0;
        for (DatagramPacket datagram; (datagram = alice.channel.readOutbound()) != null; count++) {
            datagram.release();
        }
        return count;
    }

    private int initsSent() {
        int count = 0;
        while (alice.channel.outboundMessages().peek() != null) {
            assertThat(alice.sent()).isInstanceOf(HandshakeInit.class);
            count++;
        }
        return count;
    }

    /** Alice initiates at time 0 and takes bob's RESPONSE, as the engine does: her FINAL is next in her outbox. */
    private void answeredByBob(Peer bobAtAlice) {
        alice.handshakes.initiate(bobAtAlice, 0);
        timers.reschedule(bobAtAlice, 0);
        bob.handshakes.onInit((HandshakeInit) alice.sent(), Route.direct(alice.endpoint), 0);
        HandshakeResponse response = (HandshakeResponse) bob.sent();
        timers.rescheduleAround(response.receiverIndex(), 0,
                () -> alice.handshakes.onResponse(response, Route.direct(bob.endpoint), 0));
    }

    @Test
    void anUnansweredInitiationIsRepeatedWithDoublingIntervalsThenGivenUp() {
        Peer bobAtAlice = alice.know(bob);
        List<Throwable> failures = new ArrayList<>();
        bobAtAlice.waiters.add((peer, error) -> failures.add(error));
        alice.handshakes.initiate(bobAtAlice, 0);
        timers.reschedule(bobAtAlice, 0);
        assertThat(initsSent()).isOne();
        long first = settings.handshakeRetransmit().toNanos();

        timers.tick(first - 1);
        assertThat(initsSent()).as("not yet").isZero();
        assertThat(timers.visits()).as("nothing was due").isZero();
        timers.tick(first);
        assertThat(initsSent()).isOne();
        timers.tick(first + first);
        assertThat(initsSent()).as("the interval doubled").isZero();
        timers.tick(first + 2 * first);
        assertThat(initsSent()).isOne();
        assertThat(timers.visits()).as("one visit per retransmission").isEqualTo(2);

        timers.tick(settings.connectTimeout().toNanos());

        assertThat(bobAtAlice.initiation).isNull();
        assertThat(failures).singleElement().isInstanceOf(SessionException.class);
        assertThat(alice.indexes.size()).as("the initiation's index is freed").isZero();
    }

    @Test
    void anUnconfirmedFinalIsRepeatedThenItsKeysAreDropped() {
        Peer bobAtAlice = alice.know(bob);
        List<Throwable> failures = new ArrayList<>();
        bobAtAlice.waiters.add((peer, error) -> failures.add(error));
        answeredByBob(bobAtAlice);
        assertThat(alice.sent()).isInstanceOf(HandshakeFinal.class);
        long first = settings.handshakeRetransmit().toNanos();

        timers.tick(first);
        assertThat(alice.sent()).as("the FINAL is repeated: bob's confirmation never came").isInstanceOf(HandshakeFinal.class);
        timers.tick(settings.connectTimeout().toNanos());

        assertThat(bobAtAlice.current).isNull();
        assertThat(failures).singleElement().isInstanceOf(SessionException.class);
    }

    @Test
    void anUnconfirmedFinalPushedIntoPreviousByACrossedHandshakeIsStillRepeatedThenDropped() {
        Peer bobAtAlice = alice.know(bob);
        Peer aliceAtBob = bob.know(alice);
        answeredByBob(bobAtAlice);
        assertThat(alice.sent()).as("alice's FINAL, whose confirmation will be lost").isInstanceOf(HandshakeFinal.class);
        Keypair unconfirmed = bobAtAlice.current;

        // Bob's crossed handshake completes at alice: its keys become current, alice's unconfirmed ones previous.
        bob.handshakes.initiate(aliceAtBob, 1);
        alice.handshakes.onInit((HandshakeInit) bob.sent(), Route.direct(bob.endpoint), 1);
        bob.handshakes.onResponse((HandshakeResponse) alice.sent(), Route.direct(alice.endpoint), 2);
        HandshakeFinal bobsFinal = (HandshakeFinal) bob.sent();
        alice.handshakes.onFinal(bobsFinal, Route.direct(bob.endpoint), 2);
        timers.reschedule(bobAtAlice, 2);
        assertThat(bobAtAlice.previous).isSameAs(unconfirmed);
        ((DataPacket) alice.sent()).release(); // alice's confirmation of bob's keys
        long first = settings.handshakeRetransmit().toNanos();

        timers.tick(first);
        assertThat(alice.sent()).as("bob may already send under the twin of those keys: the FINAL is still repeated")
                .isInstanceOf(HandshakeFinal.class);
        timers.tick(settings.connectTimeout().toNanos());

        assertThat(bobAtAlice.previous).as("never confirmed: dropped").isNull();
        assertThat(alice.indexes.get(unconfirmed.localIndex)).isNull();
        assertThat(bobAtAlice.current).as("bob's keys stay").isNotNull();
    }

    @Test
    void keysPastTheirHardAgeAreRetired() {
        Peer peer = file(established(1), 0);
        int index = peer.current.localIndex;

        timers.tick(settings.rejectAfterTime().toNanos() - 1);
        assertThat(peer.current).isNotNull();
        timers.tick(settings.rejectAfterTime().toNanos());

        assertThat(peer.current).isNull();
        assertThat(alice.indexes.get(index)).isNull();
    }

    @Test
    void theInitiatorOfOldKeysRekeysOnTimeAndTheResponderOnlyLater() {
        Peer peer = file(established(1), 0);
        long rekey = settings.rekeyAfterTime().toNanos();

        timers.tick(rekey);
        assertThat(peer.initiation).as("responder keys: the initiator should rekey first").isNull();
        assertThat(timers.visits()).as("the responder's rekey is not due yet: the peer is not even looked at").isZero();

        timers.tick(rekey + 40 * settings.handshakeRetransmit().toNanos());
        assertThat(peer.initiation).isNotNull();
        assertThat(timers.visits()).isOne();
    }

    @Test
    void aPeerSendingIntoSilenceIsRehandshakenOnceItHasNotAnsweredForStaleAfter() {
        KeyTimers quickTimers = staleAfterOneSecond();
        Peer peer = established(1);
        alice.peers.add(peer);
        quickTimers.reschedule(peer, 0);
        quickTimers.tick(1000 * MS + 1);
        assertThat(peer.initiation).as("nothing sent yet: not stale").isNull();

        long sent = 1000 * MS + 2;
        sendAskingForAnAnswer(peer, sent); // what a flush does, and then it reschedules
        quickTimers.reschedule(peer, sent);
        assertThat(quickTimers.nextTickDue()).as("due when the silence reaches staleAfter").isEqualTo(sent + 1000 * MS + 1);
        quickTimers.tick(sent + 1000 * MS);
        assertThat(peer.initiation).as("unanswered for exactly staleAfter: not yet").isNull();
        quickTimers.tick(sent + 1000 * MS + 1);

        assertThat(peer.initiation).isNotNull();
    }

    @Test
    void aPeerThatWasOnlyQuietIsNotRehandshakenWhenSentToAgain() {
        KeyTimers quickTimers = staleAfterOneSecond();
        Peer peer = established(1);
        alice.peers.add(peer);
        peer.lastReceivedNanos = 0;
        // Nothing either way for five times staleAfter, then a send: the rule of old called that stale at once.
        long sent = 5000 * MS;
        sendAskingForAnAnswer(peer, sent);
        peer.lastSentNanos = sent;
        quickTimers.reschedule(peer, sent);
        quickTimers.tick(sent + KeyTimers.TICK_NANOS);
        assertThat(peer.initiation).as("a quiet peer, sent to: not stale").isNull();

        // It answers within its ack delay (the engine stamps every authenticated DATA): no silence reaches staleAfter.
        peer.lastReceivedNanos = sent + 20 * MS;
        quickTimers.tick(sent + 1000 * MS + 1);
        assertThat(peer.initiation).isNull();
    }

    @Test
    void aProbeHeardAfterTheUnansweredSendPutsTheSilenceOffButDoesNotEndIt() {
        KeyTimers quickTimers = staleAfterOneSecond();
        Peer peer = established(1);
        alice.peers.add(peer);
        long sent = 1000 * MS;
        sendAskingForAnAnswer(peer, sent);
        quickTimers.reschedule(peer, sent);
        // The session hears a probe from the peer (its connection hears nothing: the send is still unanswered).
        peer.lastReceivedNanos = sent + 500 * MS;
        quickTimers.tick(sent + 1000 * MS + 1);
        assertThat(peer.initiation).as("silent for 500 ms since the probe").isNull();

        quickTimers.tick(sent + 1500 * MS + 1);
        assertThat(peer.initiation).as("silent for staleAfter since the probe, the send still unanswered").isNotNull();
    }

    /** Alice's timers with a stale rule of one second. */
    private KeyTimers staleAfterOneSecond() {
        return new KeyTimers(settings.withStaleAfter(Duration.ofSeconds(1)), alice.peers, alice.responders, alice.indexes,
                alice.handshakes, alice.paths);
    }

    /** The peer's connection sends a packet that asks for an acknowledgement at {@code now}. */
    private static void sendAskingForAnAnswer(Peer peer, long now) {
        assertThat(peer.connection.sendDatagram(7, ByteBuffer.wrap(new byte[] {1}))).isTrue();
        ByteBuffer out = ByteBuffer.allocate(peer.connection.maxPacketPayload());
        assertThat(peer.connection.poll(now, out)).isPositive();
        assertThat(peer.connection.awaitingAnswerSinceNanos()).isEqualTo(now);
    }

    @Test
    void anUnansweredPathChallengeIsRepeatedThenTheRouteForgotten() {
        Peer peer = file(established(1), 0);
        InetSocketAddress elsewhere = new InetSocketAddress("10.9.9.9", 4000);
        alice.paths.roam(peer, peer.current, Route.direct(elsewhere), 1000, 0);
        timers.reschedule(peer, 0); // what the engine does after a packet from another route
        assertThat(alice.paths.challengesSent()).isOne();
        datagramsSent();

        timers.tick(settings.handshakeRetransmit().toNanos());
        assertThat(alice.paths.challengesSent()).as("repeated when due").isEqualTo(2);
        timers.tick(Paths.VALIDATION_TIMEOUT_NANOS);

        assertThat(peer.pendingPaths.isEmpty()).as("never answered: forgotten").isTrue();
        assertThat(peer.endpoint).as("the path never moved").isNotEqualTo(elsewhere);
    }

    @Test
    void aRelayedPeerIsProbedWhenItsProbeIsDue() {
        Peer peer = established(1);
        peer.relayed = true;
        long probe = PathSettings.DEFAULTS.probeInterval().toNanos();
        peer.nextProbeNanos = probe;
        file(peer, 0);

        timers.tick(probe - 1);
        assertThat(alice.paths.challengesSent()).isZero();
        timers.tick(probe);

        assertThat(alice.paths.challengesSent()).as("a challenge to its direct endpoint").isOne();
        assertThat(peer.pendingPaths.size()).isOne();
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
        timers.reschedule(unknown, 0);

        timers.tick(1);
        assertThat(alice.peers.provisional()).containsExactly(unknown);

        timers.tick(settings.connectTimeout().toNanos());
        assertThat(alice.peers.provisional()).isEmpty();
        assertThat(timers.scheduledPeers()).isZero();
    }

    @Test
    void aPeerWithNothingGoingOnIsForgottenAfterTheIdleTimeout() {
        Peer bobAtAlice = alice.know(bob);
        timers.reschedule(bobAtAlice, 0);
        long idle = settings.peerIdleTimeout().toNanos();

        timers.tick(0);
        timers.tick(idle - 1);
        assertThat(alice.peers.get(bobAtAlice.address)).as("not idle long enough").isSameAs(bobAtAlice);
        assertThat(timers.visits()).as("seen idle once, then left alone until its time").isOne();
        timers.tick(idle);

        assertThat(alice.peers.get(bobAtAlice.address)).isNull();
        assertThat(alice.paths.peerAt(bob.endpoint)).isNull();
        assertThat(timers.evicted()).isOne();
        assertThat(timers.scheduledPeers()).isZero();
    }

    @Test
    void aPeerWhoseConnectionEndedIsForgottenAfterTheIdleTimeout() {
        Peer peer = file(established(1), 0);
        long idle = settings.peerIdleTimeout().toNanos();
        timers.tick(0);
        assertThat(timers.visits()).as("a session: nothing due before its rekey").isZero();

        peer.connection = null; // the engine's connectionEnded, which reschedules
        timers.reschedule(peer, 10 * MS);
        timers.tick(10 * MS);
        timers.tick(10 * MS + idle - 1);
        assertThat(alice.peers.get(peer.address)).as("idle, not yet for long enough").isSameAs(peer);
        timers.tick(10 * MS + idle);

        assertThat(alice.peers.get(peer.address)).isNull();
        assertThat(timers.visits()).as("seen idle, keys expired, forgotten").isEqualTo(3);
    }

    @Test
    void trafficOrAWaiterKeepsAPeer() {
        Peer bobAtAlice = alice.know(bob);
        timers.reschedule(bobAtAlice, 0);
        long idle = settings.peerIdleTimeout().toNanos();
        timers.tick(0);
        bobAtAlice.lastReceivedNanos = idle / 2;
        timers.tick(idle);
        assertThat(alice.peers.get(bobAtAlice.address)).as("traffic restarted the idle time").isSameAs(bobAtAlice);

        bobAtAlice.waiters.add((peer, error) -> { });
        timers.tick(3 * idle);
        assertThat(alice.peers.get(bobAtAlice.address)).as("someone waits for it").isSameAs(bobAtAlice);
    }

    @Test
    void aPeerIsVisitedOnlyWhenOneOfItsTimersIsDue() {
        int quiet = 1000;
        for (int n = 0; n < quiet; n++) {
            file(established(n), 0);
        }
        Peer young = established(quiet);
        long born = 1000 * MS;
        young.current = new Keypair(young.current.localIndex, young.current.remoteIndex, true, born, young,
                new byte[32], new byte[32]);
        young.current.confirmed = true;
        file(young, born);
        long rekey = settings.rekeyAfterTime().toNanos();

        for (long now = 0; now < born + rekey; now += KeyTimers.TICK_NANOS) {
            timers.tick(now);
        }
        assertThat(timers.visits()).as("2,420 ticks over 1,001 peers with nothing due").isZero();
        timers.tick(born + rekey);

        assertThat(timers.visits()).as("the one peer whose rekey (as initiator) is due").isOne();
        assertThat(young.initiation).isNotNull();
        assertThat(timers.scheduledPeers()).isEqualTo(quiet + 1);
    }

    @Test
    void aFloodOfHandshakeMessagesCostsVisitsToThePeersTheyTouchOnly() {
        int quiet = 1000;
        for (int n = 0; n < quiet; n++) {
            file(established(n), 0);
        }
        timers.tick(0);
        // A flood of INITs from many sources: they fill the half-open table, no peer's timers.
        HandshakeSide mallory = new HandshakeSide(new InetSocketAddress("10.6.6.6", 4000), settings);
        for (int i = 0; i < 200; i++) {
            mallory.handshakes.initiate(new Peer(null, null, alice.endpoint), 0);
            HandshakeInit init = (HandshakeInit) mallory.sent();
            InetSocketAddress source = new InetSocketAddress("10.6." + (i >> 4) + "." + (i & 0xF), 4000);
            alice.handshakes.onInit(init, Route.direct(source), 0);
        }
        // FINALs and RESPONSEs for indexes that are not ours, or that name an established peer's keys.
        Peer touched = alice.peers.all().iterator().next();
        for (int i = 0; i < 200; i++) {
            HandshakeFinal forged = new HandshakeFinal(i % 2 == 0 ? 7_000_000 + i : touched.current.localIndex, new byte[64]);
            timers.rescheduleAround(forged.receiverIndex(), 0,
                    () -> alice.handshakes.onFinal(forged, Route.direct(mallory.endpoint), 0));
        }
        assertThat(datagramsSent()).as("200 RESPONSEs; a forged FINAL naming a peer's keys draws no confirmation")
                .isEqualTo(200);
        // And one genuine handshake, with bob.
        Peer bobAtAlice = alice.know(bob);
        answeredByBob(bobAtAlice);
        assertThat(alice.handshakes.pending()).as("the INIT flood was answered").isEqualTo(200);

        timers.tick(KeyTimers.TICK_NANOS);
        timers.tick(settings.handshakeRetransmit().toNanos());

        mallory.channel.finishAndReleaseAll();
        assertThat(timers.visits()).as("bob's FINAL retransmission; the forged FINALs touched one peer with nothing due")
                .isOne();
    }

}
