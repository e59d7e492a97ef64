package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.SessionListener;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.wire.DropReason;

import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Section 3's initiators against a real responder node on loopback: each is a new peer the responder establishes a
 * session with, and each checks who answered (a responder that is not the node asked for is refused).
 */
class HandshakeInitiatorsTests {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Test
    void everyInitiatorBecomesANewPeerOfTheResponderGetsItsConfirmationAndClosesItsSession() throws InterruptedException {
        try (PilotNode responder = PilotPair.node().sessionSettings(HandshakeRateBenchmark.LIMITS).build().start()) {
            Set<PilotAddress> established = ConcurrentHashMap.newKeySet();
            Set<PilotAddress> closed = ConcurrentHashMap.newKeySet();
            responder.addSessionListener(new SessionListener() {
                @Override
                public void sessionEstablished(PeerInfo peer, boolean newConnection) {
                    if (newConnection) {
                        established.add(peer.address());
                    }
                }

                @Override
                public void sessionClosed(PeerInfo peer, String reason) {
                    closed.add(peer.address());
                }
            });
            HandshakeInitiators.Outcome outcome;
            try (HandshakeInitiators initiators = new HandshakeInitiators(12, responder.localEndpoint(),
                    responder.publicKey(), responder.address().realm(), RANDOM)) {
                outcome = initiators.run(4, TIMEOUT_NANOS);
            }

            assertThat(outcome.failures()).isZero();
            assertThat(outcome.latencies()).hasSize(12).allSatisfy(latency -> assertThat(latency).isPositive());
            long deadline = System.nanoTime() + TIMEOUT_NANOS;
            while ((established.size() < 12 || closed.size() < 12) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(established).hasSize(12);
            assertThat(closed).as("each initiator's CLOSE ended its session").isEqualTo(established);
            assertThat(responder.stats().drops()).doesNotContainKeys(DropReason.BAD_IDENTITY_SIGNATURE,
                    DropReason.HANDSHAKE_FAILED);
        }
    }

    @Test
    void anInitiatorRefusesAResponderThatIsNotTheNodeItWasToReach() throws InterruptedException {
        try (PilotNode responder = PilotPair.node().sessionSettings(HandshakeRateBenchmark.LIMITS).build().start()) {
            Set<PilotAddress> established = ConcurrentHashMap.newKeySet();
            responder.addSessionListener(new SessionListener() {
                @Override
                public void sessionEstablished(PeerInfo peer, boolean newConnection) {
                    established.add(peer.address());
                }
            });
            HandshakeInitiators.Outcome outcome;
            try (HandshakeInitiators initiators = new HandshakeInitiators(3, responder.localEndpoint(),
                    Identity.generate(RANDOM).publicKey(), responder.address().realm(), RANDOM)) {
                outcome = initiators.run(3, TIMEOUT_NANOS);
            }

            assertThat(outcome.failures()).isEqualTo(3);
            assertThat(outcome.latencies()).isEmpty();
            Thread.sleep(300); // a FINAL would have reached the responder by now; none was sent
            assertThat(established).isEmpty();
        }
    }
}
