package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

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
}
