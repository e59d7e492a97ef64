package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PeerDeadlinesTests {

    private final PeerDeadlines deadlines = new PeerDeadlines();

    private static Peer peer(int n) {
        return new Peer(new PilotAddress(1, n), null, null);
    }

    @Test
    void duePeersComeOutEarliestFirstAndTheOthersStay() {
        Peer late = peer(1);
        Peer early = peer(2);
        Peer sameTimeAsEarly = peer(3);
        deadlines.set(late, 300);
        deadlines.set(early, 100);
        deadlines.set(sameTimeAsEarly, 100);

        assertThat(deadlines.takeDue(99)).isEmpty();
        assertThat(deadlines.takeDue(200)).containsExactly(early, sameTimeAsEarly);
        assertThat(early.dueNanos).as("taken out: no due time").isEqualTo(Long.MAX_VALUE);
        assertThat(deadlines.size()).isOne();
        assertThat(deadlines.earliest()).isEqualTo(300);
    }

    @Test
    void advanceOnlyBringsADueTimeForward() {
        Peer peer = peer(1);
        deadlines.advance(peer, 500);
        deadlines.advance(peer, 900);
        assertThat(peer.dueNanos).isEqualTo(500);
        deadlines.advance(peer, 200);

        assertThat(deadlines.takeDue(200)).containsExactly(peer);
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void setMovesEitherWayAndNoneTakesThePeerOut() {
        Peer peer = peer(1);
        deadlines.set(peer, 100);
        deadlines.set(peer, 400);
        assertThat(deadlines.takeDue(300)).isEmpty();
        deadlines.set(peer, Long.MAX_VALUE);

        assertThat(deadlines.size()).isZero();
        assertThat(deadlines.takeDue(Long.MAX_VALUE - 1)).isEmpty();
    }

    @Test
    void movingPeersAgainAndAgainKeepsOneEntryEach() {
        Peer[] peers = new Peer[100];
        for (int i = 0; i < peers.length; i++) {
            peers[i] = peer(i);
        }
        for (int round = 1000; round > 0; round--) {
            for (Peer peer : peers) {
                deadlines.advance(peer, round);
            }
        }

        assertThat(deadlines.size()).isEqualTo(peers.length);
        assertThat(deadlines.takeDue(1)).containsExactly(peers);
    }
}
