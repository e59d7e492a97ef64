package io.pilot.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * UDP hole punching as Pilot would attempt it: each peer learns its public mapping from a public server, and both
 * send to each other's mapping repeatedly. Through endpoint-independent NATs the outgoing datagrams open the way
 * for the incoming ones; through symmetric NATs the mapping a peer learned is not the one used towards the other
 * peer, so nothing gets through and a relay is needed.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(NatLab.LOCK)
class HolePunchingTest {

    private static final int SERVER_PORT = 3478;
    private static final int PEER_PORT = 40000;
    private static final Duration WAIT = Duration.ofSeconds(3);
    private static final int PUNCHES = 20;
    private static final long PUNCH_GAP_MICROS = 50_000;

    @RegisterExtension
    final NatLabExtension lab = new NatLabExtension(Topology.create()
            .publicHost("stun")
            .site("east", NatType.ENDPOINT_INDEPENDENT, "alice")
            .site("west", NatType.ENDPOINT_INDEPENDENT, "bob")
            .site("north", NatType.SYMMETRIC, "carol")
            .site("south", NatType.SYMMETRIC, "dave"));

    @Test
    void punchesThroughTwoEndpointIndependentNats() {
        Probe.reflector(lab.get(), "stun", SERVER_PORT);
        Probe alice = Probe.start(lab.get(), "alice", PEER_PORT);
        Probe bob = Probe.start(lab.get(), "bob", PEER_PORT);
        InetSocketAddress aliceMapping = alice.mappingSeenBy(stun(), WAIT);
        InetSocketAddress bobMapping = bob.mappingSeenBy(stun(), WAIT);

        alice.send(bobMapping, "punch-from-alice", PUNCHES, PUNCH_GAP_MICROS);
        bob.send(aliceMapping, "punch-from-bob", PUNCHES, PUNCH_GAP_MICROS);

        assertThat(bob.awaitReceived("punch-from-alice", WAIT)).isEqualTo(aliceMapping);
        assertThat(alice.awaitReceived("punch-from-bob", WAIT)).isEqualTo(bobMapping);
    }

    @Test
    void cannotPunchThroughTwoSymmetricNats() {
        Probe.reflector(lab.get(), "stun", SERVER_PORT);
        Probe carol = Probe.start(lab.get(), "carol", PEER_PORT);
        Probe dave = Probe.start(lab.get(), "dave", PEER_PORT);
        InetSocketAddress carolMapping = carol.mappingSeenBy(stun(), WAIT);
        InetSocketAddress daveMapping = dave.mappingSeenBy(stun(), WAIT);

        carol.send(daveMapping, "punch-from-carol", PUNCHES, PUNCH_GAP_MICROS);
        dave.send(carolMapping, "punch-from-dave", PUNCHES, PUNCH_GAP_MICROS);
        carol.awaitSent("punch-from-carol", WAIT);
        dave.awaitSent("punch-from-dave", WAIT);

        assertThat(dave.receives("punch-from-carol", Duration.ofMillis(500))).isFalse();
        assertThat(carol.receives("punch-from-dave", Duration.ofMillis(500))).isFalse();
    }

    private InetSocketAddress stun() {
        return new InetSocketAddress(lab.get().address("stun"), SERVER_PORT);
    }
}
