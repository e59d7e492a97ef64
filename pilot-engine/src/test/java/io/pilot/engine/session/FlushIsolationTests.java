package io.pilot.engine.session;

import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.transport.CloseReason;
import io.pilot.engine.transport.TransportError;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One peer's failure while the session engine flushes a read batch stays with that peer (issue 12, H1): its
 * connection alone closes with {@code INTERNAL_ERROR}, the other peers of the same batch are still flushed,
 * and the next batch works. Three real session engines on EmbeddedChannels, with real handshakes and
 * connections; datagrams are carried between them by hand, each delivery being one read batch. Nothing
 * known makes a flush throw any more, so the engine under test sends through the
 * {@link SessionEngine.Sender} seam, which throws for the peers named in {@link #failing}.
 */
class FlushIsolationTests {

    private static final int PORT = EmbeddedNode.PORT;

    private final Set<PilotAddress> failing = new HashSet<>();
    private final EmbeddedNode victim = new EmbeddedNode("10.0.0.1", real -> (peer, connection, keypair, now) -> {
        if (failing.contains(peer.address())) {
            throw new IllegalStateException("injected failure for " + peer.address());
        }
        return real.send(peer, connection, keypair, now);
    });
    private final EmbeddedNode alice = new EmbeddedNode("10.0.0.2", real -> real);
    private final EmbeddedNode bob = new EmbeddedNode("10.0.0.3", real -> real);
    private final List<EmbeddedNode> all = List.of(victim, alice, bob);

    @BeforeEach
    void bothPeersHaveASessionWithTheVictim() {
        alice.connectTo(victim);
        bob.connectTo(victim);
        settle();
        assertThat(victim.connectionTo(alice)).isNotNull();
        assertThat(victim.connectionTo(bob)).isNotNull();
    }

    @AfterEach
    void release() {
        for (EmbeddedNode node : all) {
            node.outbox.forEach(DatagramPacket::release);
            node.channel.finishAndReleaseAll();
        }
    }

    @Test
    void aFlushThatThrowsClosesThatPeersConnectionOnlyAndTheRestOfTheBatchAndTheNextAreFlushed() {
        // The victim has data queued for both peers; both send it a stream, read in one batch, alice's first.
        victim.connectionTo(alice).openStream(PORT).write(EmbeddedNode.bytes("for alice"));
        victim.connectionTo(bob).openStream(PORT).write(EmbeddedNode.bytes("for bob"));
        alice.send(victim, "from alice");
        bob.send(victim, "from bob");
        failing.add(alice.address());

        victim.readBatch(alice, bob);

        assertThat(victim.pendingTo(bob)).as("bob, after alice in the same batch, is still flushed").isPositive();
        assertThat(victim.pendingTo(alice)).as("nothing went to alice").isZero();
        assertThat(victim.escaped).as("the failure stayed inside the engine").isEmpty();
        CloseReason reason = victim.closed.get(alice.address());
        assertThat(reason).as("alice's connection closed").isNotNull();
        assertThat(reason.code()).isEqualTo(TransportError.INTERNAL_ERROR);
        assertThat(reason.message()).startsWith("internal error while sending: ")
                .contains("injected failure for " + alice.address());
        assertThat(reason.remote()).isFalse();
        assertThat(victim.engine.peer(alice.address()).connection()).as("forgotten: the next use starts a new one").isNull();
        assertThat(victim.closed).as("no other connection closed").containsOnlyKeys(alice.address());
        assertThat(victim.received(alice)).as("what alice sent was read before the flush failed").isEqualTo("from alice");
        assertThat(victim.received(bob)).isEqualTo("from bob");
        settle();
        assertThat(bob.received(victim)).isEqualTo("for bob");

        // The next batch: alice is no longer in the set to fail again, and bob's traffic flows both ways.
        victim.connectionTo(bob).openStream(PORT).write(EmbeddedNode.bytes(" and more"));
        bob.send(victim, " and again");
        victim.readBatch(bob);

        assertThat(victim.pendingTo(bob)).as("the next batch flushes bob").isPositive();
        assertThat(victim.escaped).as("and does not fail again on alice").isEmpty();
        settle();
        assertThat(bob.received(victim)).isEqualTo("for bob and more");
        assertThat(victim.received(bob)).isEqualTo("from bob and again");
        assertThat(victim.closed).containsOnlyKeys(alice.address());
        assertThat(victim.connectionTo(bob).isClosed()).isFalse();
    }

    private void settle() {
        EmbeddedNode.settle(all);
    }
}
