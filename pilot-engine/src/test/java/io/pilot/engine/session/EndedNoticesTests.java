package io.pilot.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.transport.CloseReason;
import io.pilot.engine.wire.DropReason;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A node that ended a connection without a word (its peer seemed gone) tells the peer at the peer's next datagram
 * under that connection's keys, and the peer ends its side at once ({@link EndedNotices}): real session engines on
 * EmbeddedChannels, datagrams carried by hand.
 */
class EndedNoticesTests {

    private final EmbeddedNode node = new EmbeddedNode("10.0.0.1", real -> real);
    private final EmbeddedNode alice = new EmbeddedNode("10.0.0.2", real -> real);
    private final List<EmbeddedNode> both = List.of(node, alice);

    @Test
    void aPeerStillSendingOnAConnectionThatEndedHereIsToldOnceAndStartsOver() {
        alice.connectTo(node);
        EmbeddedNode.settle(both);
        alice.send(node, "one;");
        EmbeddedNode.settle(both);
        assertThat(node.received(alice)).isEqualTo("one;");

        // The node ends its connection and alice never hears of it (its CLOSE is lost, as an unresponsive or idle
        // timeout sends none): alice goes on sending under the old keys.
        node.connectionTo(alice).close(0, "as if alice had stopped answering");
        node.engine.flush(node.engine.peer(alice.address()));
        node.pendingTo(alice);
        node.outbox.clear();
        assertThat(node.engine.peer(alice.address()).connection()).isNull();

        alice.send(node, "two;");
        alice.send(node, "three;");
        node.readBatch(alice);
        assertThat(node.drops.snapshot().get(DropReason.STALE_CONNECTION)).isEqualTo(2);
        assertThat(node.engine.endedNoticesSent()).as("one notice for both datagrams").isEqualTo(1);

        alice.readBatch(node);
        CloseReason reason = alice.closed.get(node.address());
        assertThat(reason).isNotNull();
        assertThat(reason.remote()).isTrue();
        assertThat(reason.message()).contains("already ended");
        assertThat(alice.engine.endedNoticesReceived()).isEqualTo(1);
        assertThat(alice.engine.peer(node.address()).connection()).isNull();

        // Its next use starts a new connection, which the node takes.
        alice.connectTo(node);
        EmbeddedNode.settle(both);
        alice.send(node, "four;");
        EmbeddedNode.settle(both);
        assertThat(node.received(alice)).isEqualTo("one;four;");
        assertThat(node.engine.endedNoticesSent()).isEqualTo(1);
    }

    @Test
    void onlyKeysOfTheConnectionThatEndedHereWithNoNewerOneGetANotice() {
        Peer peer = onConnectionThree();
        Keypair keys = peer.current;
        assertThat(EndedNotices.endedHere(peer, keys)).as("its connection is live").isFalse();

        peer.connection = null;
        assertThat(EndedNotices.endedHere(peer, keys)).as("ended here, no newer one").isTrue();

        keys.connectionNumber = 2;
        assertThat(EndedNotices.endedHere(peer, keys)).as("keys of an older connection").isFalse();

        keys.connectionNumber = -1;
        peer.connectionNumber = -1;
        assertThat(EndedNotices.endedHere(peer, keys)).as("keys never bound to a connection (unconfirmed)").isFalse();
    }

    @Test
    void aNoticeEndsOnlyTheOpenConnectionItsKeysCarry() {
        Peer peer = onConnectionThree();
        Keypair keys = peer.current;
        assertThat(EndedNotices.ends(peer, keys)).isTrue();

        keys.connectionNumber = 2;
        assertThat(EndedNotices.ends(peer, keys)).as("keys of a connection since replaced").isFalse();

        keys.connectionNumber = 3;
        peer.connection.close(0, "closed here already");
        assertThat(EndedNotices.ends(peer, keys)).as("a connection already closed").isFalse();
    }

    /** A peer with an open connection numbered 3, carried by its current keys. */
    private static Peer onConnectionThree() {
        Peer peer = TestPeers.established(PilotAddress.parse("0:0000.0000.0002"), new InetSocketAddress("10.0.0.3", 4000), 10);
        peer.connectionNumber = 3;
        peer.current.connectionNumber = 3;
        return peer;
    }

    @Test
    void aPeerThatGoesOnSendingIsToldAgainAfterASecond() throws InterruptedException {
        alice.connectTo(node);
        EmbeddedNode.settle(both);
        node.connectionTo(alice).close(0, "as if alice had stopped answering");
        node.engine.flush(node.engine.peer(alice.address()));
        node.pendingTo(alice);
        node.outbox.clear();

        alice.send(node, "lost;");
        node.readBatch(alice);
        assertThat(node.engine.endedNoticesSent()).isEqualTo(1);
        node.pendingTo(alice);
        node.outbox.clear(); // the notice is lost too

        Thread.sleep(EndedNotices.MIN_INTERVAL_NANOS / 1_000_000 + 100);
        alice.send(node, "again;");
        node.readBatch(alice);
        assertThat(node.engine.endedNoticesSent()).as("a second notice, a second later").isEqualTo(2);
        alice.readBatch(node);
        assertThat(alice.engine.peer(node.address()).connection()).isNull();
    }
}
