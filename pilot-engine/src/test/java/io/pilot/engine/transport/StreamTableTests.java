package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class StreamTableTests {

    private final Connection owner = new Connection(TransportConfig.defaults(), true, new Recorder(), 0);
    private final StreamTable table = new StreamTable(owner, true, 2);

    /** Makes both directions of {@code s} done: FIN sent and acknowledged, FIN received at offset 0. */
    private static void finishBothWays(Stream s) {
        s.send.finish();
        s.send.onAcked(0, 0, true);
        s.receive.receive(0, ByteBuffer.allocate(0), true, s);
    }

    @Test
    void localStreamsTakeThisSidesParityInOrder() {
        assertThat(table.openLocal(80).id()).isZero();
        assertThat(table.openLocal(81).id()).isEqualTo(2);
        assertThat(table.get(2).port()).isEqualTo(81);
        assertThat(table.size()).isEqualTo(2);
        assertThat(table.isLocal(4)).isTrue();
        assertThat(table.isLocal(1)).isFalse();
        assertThat(table.isUnopenedLocal(2)).isFalse();
        assertThat(table.isUnopenedLocal(4)).isTrue();
        assertThat(table.isUnopenedLocal(5)).isFalse();

        StreamTable odd = new StreamTable(owner, false, 2);
        assertThat(odd.openLocal(80).id()).isEqualTo(1);
        assertThat(odd.isLocal(0)).isFalse();
    }

    @Test
    void aPeerIdIsNewOnlyOnce() {
        assertThat(table.firstSightOfPeerId(5)).isTrue();
        assertThat(table.firstSightOfPeerId(5)).isFalse();
        assertThat(table.firstSightOfPeerId(1)).isTrue();
        assertThat(table.tooManyPeerIdGaps()).isFalse();
    }

    @Test
    void skippingPeerIdsTooOftenIsNoticed() {
        // Every other peer id: each one seen is a range of its own.
        for (int i = 0; i < StreamTable.MAX_STREAM_ID_GAPS; i++) {
            assertThat(table.firstSightOfPeerId(1 + 4 * i)).isTrue();
        }
        assertThat(table.tooManyPeerIdGaps()).isFalse();
        table.firstSightOfPeerId(1 + 4 * StreamTable.MAX_STREAM_ID_GAPS);
        assertThat(table.tooManyPeerIdGaps()).isTrue();
    }

    @Test
    void peerStreamsTakeIncomingSlotsUntilFreed() {
        Stream first = table.addPeerStream(1, 80);
        assertThat(table.atIncomingLimit()).isFalse();
        table.addPeerStream(5, 80);
        assertThat(table.atIncomingLimit()).isTrue();
        assertThat(table.size()).isEqualTo(2);

        table.freeIfDone(first);
        assertThat(first.freed).isFalse(); // still open both ways
        finishBothWays(first);
        table.freeIfDone(first);
        assertThat(first.freed).isTrue();
        assertThat(table.get(1)).isNull();
        assertThat(table.atIncomingLimit()).isFalse();
    }

    @Test
    void freeingALocalStreamLeavesTheIncomingCountAlone() {
        table.addPeerStream(1, 80);
        Stream local = table.openLocal(80);
        table.addPeerStream(5, 80);
        finishBothWays(local);
        table.freeIfDone(local);
        assertThat(table.size()).isEqualTo(2);
        assertThat(table.atIncomingLimit()).isTrue();
    }

    @Test
    void freeAllEmptiesTheTable() {
        Stream local = table.openLocal(80);
        Stream peer = table.addPeerStream(1, 80);
        table.freeAll();
        assertThat(table.size()).isZero();
        assertThat(local.freed).isTrue();
        assertThat(peer.freed).isTrue();
    }

    @Test
    void localIdsWrapAroundPastTheEndOfTheIdSpaceSkippingLiveStreams() {
        StreamTable small = new StreamTable(owner, true, 2, 8, 1_000); // ids 0, 2, ..., 14
        Stream longLived = small.openLocal(80);
        assertThat(longLived.id()).isZero();
        for (int i = 1; i < 8; i++) { // each freed at once: none lived long
            assertThat(small.isUnopenedLocal(2 * i)).as("before the first wrap: exact").isTrue();
            Stream s = small.openLocal(80);
            assertThat(s.id()).isEqualTo(2 * i);
            assertThat(small.isUnopenedLocal(2 * i)).isFalse();
            finishBothWays(s);
            small.freeIfDone(s);
        }
        assertThat(small.openLocal(80).id()).as("0 skipped, still live").isEqualTo(2);
        assertThat(small.get(0)).isSameAs(longLived);
        // After the first wrap every id was opened once: a frame for one with no live stream is a late one.
        assertThat(small.isUnopenedLocal(6)).isFalse();
        assertThat(small.openLocal(80).id()).isEqualTo(4);
    }

    @Test
    void aLongLivedStreamsIdRestsAfterItIsFreedOnBothSides() {
        StreamTable opener = new StreamTable(owner, true, 2, 8, 1_000); // ids 0, 2, ..., 14
        Stream longLived = opener.openLocal(80);
        for (int i = 0; i < 2; i++) { // a quarter of the space opened past it: it counts as long-lived
            Stream s = opener.openLocal(80);
            finishBothWays(s);
            opener.freeIfDone(s);
        }
        finishBothWays(longLived);
        opener.freeIfDone(longLived);
        for (int i = 0; i < 20; i++) { // two and a half wraps: id 0 is not opened again while it rests
            Stream s = opener.openLocal(80);
            assertThat(s.id()).isNotZero();
            finishBothWays(s);
            opener.freeIfDone(s);
        }

        StreamTable receiver = new StreamTable(owner, true, 2, 8, 1_000); // the peer's ids 1, 3, ..., 15
        assertThat(receiver.firstSightOfPeerId(1)).isTrue();
        Stream peerLongLived = receiver.addPeerStream(1, 80);
        for (int id = 3; id <= 7; id += 2) {
            assertThat(receiver.firstSightOfPeerId(id)).isTrue();
        }
        finishBothWays(peerLongLived);
        receiver.freeIfDone(peerLongLived);
        for (int id = 9; id <= 13; id += 2) { // the window moves on past half the space
            assertThat(receiver.firstSightOfPeerId(id)).isTrue();
        }
        assertThat(receiver.firstSightOfPeerId(1)).as("a late frame of the long-lived stream, not a new one")
                .isFalse();
        // Once the peer's ids come near the stream's next turn, its id is new again there (no frame is that late).
        assertThat(receiver.firstSightOfPeerId(15)).isTrue();
        assertThat(receiver.firstSightOfPeerId(1)).isTrue();
    }

    @Test
    void theDefaultIdSpaceWrapsAtTwoToTheThirty() {
        assertThat(StreamTable.ID_INDEXES).isEqualTo(1 << 30);
        assertThat(2L * (StreamTable.ID_INDEXES - 1) + 1).isEqualTo((1L << 31) - 1); // the largest id fits the wire
    }

    @Test
    void peerIdsAreNewAgainAfterTheyWrapAndLateOnesStayIgnored() {
        StreamTable small = new StreamTable(owner, true, 2, 8, 1_000); // peer ids 1, 3, ..., 15
        for (int index = 0; index < 8; index++) {
            assertThat(small.firstSightOfPeerId(2 * index + 1)).isTrue();
        }
        assertThat(small.firstSightOfPeerId(13)).isFalse(); // a late frame of a freed stream, 1 before the newest
        // The peer wrapped: its first id is new again, as the next after the newest.
        assertThat(small.firstSightOfPeerId(1)).isTrue();
        assertThat(small.firstSightOfPeerId(1)).isFalse();
        assertThat(small.firstSightOfPeerId(15)).isFalse(); // still late, just before the wrap
        // Reordering across the wrap: 5 arrives before 3; both are new, and the ids form one range again.
        assertThat(small.firstSightOfPeerId(5)).isTrue();
        assertThat(small.firstSightOfPeerId(3)).isTrue();
        assertThat(small.tooManyPeerIdGaps()).isFalse();
        for (int round = 0; round < 1000; round++) { // many rounds: what was seen stays within half the space
            for (int index = 0; index < 8; index++) {
                int id = 2 * ((index + 3) % 8) + 1;
                assertThat(small.firstSightOfPeerId(id)).as("round %d id %d", round, id).isTrue();
            }
        }
        assertThat(small.tooManyPeerIdGaps()).isFalse();
    }

    @Test
    void anIdSpaceThatIsNotAPowerOfTwoIsRefused() {
        assertThatThrownBy(() -> new StreamTable(owner, true, 2, 6, 1_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransportConfig.builder().streamIdIndexes(3))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
