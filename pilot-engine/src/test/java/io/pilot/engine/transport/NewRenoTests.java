package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NewRenoTests {

    private static final int MSS = 1200;

    @Test
    void slowStartGrowsByAckedBytes() {
        NewReno cc = new NewReno(MSS, 10, 2);
        assertThat(cc.window()).isEqualTo(10 * MSS);
        for (int i = 0; i < 10; i++) {
            cc.onPacketAcked(Packets.sent(i, MSS), 0, false);
        }
        assertThat(cc.window()).isEqualTo(20 * MSS);
    }

    @Test
    void appLimitedAcksDoNotGrowTheWindow() {
        NewReno cc = new NewReno(MSS, 10, 2);
        cc.onPacketAcked(Packets.sent(1, MSS), 0, true);
        assertThat(cc.window()).isEqualTo(10 * MSS);
    }

    @Test
    void halvesOncePerRecoveryPeriod() {
        NewReno cc = new NewReno(MSS, 10, 2);
        for (int i = 0; i < 30; i++) {
            cc.onPacketAcked(Packets.sent(i, MSS), 0, false);
        }
        assertThat(cc.window()).isEqualTo(40 * MSS);
        cc.onCongestionEvent(100, 1000);
        assertThat(cc.window()).isEqualTo(20 * MSS);
        assertThat(cc.slowStartThreshold()).isEqualTo(20 * MSS);
        // More losses of packets sent before recovery started: same episode, no further reduction.
        cc.onCongestionEvent(500, 1100);
        cc.onCongestionEvent(1000, 1200);
        assertThat(cc.window()).isEqualTo(20 * MSS);
        // ACKs of packets sent before recovery started do not grow the window either.
        cc.onPacketAcked(Packets.sent(999, MSS), 0, false);
        assertThat(cc.window()).isEqualTo(20 * MSS);
        // A loss of a packet sent after recovery began is a new episode.
        cc.onCongestionEvent(1001, 2000);
        assertThat(cc.window()).isEqualTo(10 * MSS);
    }

    @Test
    void congestionAvoidanceAddsOneDatagramPerWindow() {
        NewReno cc = new NewReno(MSS, 10, 2);
        cc.onCongestionEvent(0, 0); // ssthresh = window = 5 MSS
        assertThat(cc.window()).isEqualTo(5 * MSS);
        for (int i = 0; i < 5; i++) {
            cc.onPacketAcked(Packets.sent(10 + i, MSS), 0, false);
        }
        assertThat(cc.window()).isEqualTo(6 * MSS);
    }

    @Test
    void neverBelowMinimumAndPersistentCongestionCollapses() {
        NewReno cc = new NewReno(MSS, 10, 2);
        for (int t = 1; t < 10; t++) {
            cc.onCongestionEvent(t * 10, t * 10 + 1);
        }
        assertThat(cc.window()).isEqualTo(2 * MSS);
        NewReno other = new NewReno(MSS, 10, 2);
        other.onPersistentCongestion();
        assertThat(other.window()).isEqualTo(2 * MSS);
    }

    @Test
    void theStepAndTheFloorFollowThePathsDatagramSize() {
        int large = 16_000;
        NewReno cc = new NewReno(MSS, 10, 2);
        cc.onCongestionEvent(0, 0); // 5 MSS
        cc.onDatagramSizeChanged(large);
        assertThat(cc.window()).as("bytes kept, but never below two datagrams of the new size").isEqualTo(2L * large);
        cc.onPacketAcked(Packets.sent(10, large), 0, false);
        cc.onPacketAcked(Packets.sent(11, large), 0, false);
        assertThat(cc.window()).as("one new datagram per window").isEqualTo(3L * large);
        for (int t = 1; t < 10; t++) {
            cc.onCongestionEvent(t * 10, t * 10 + 1);
        }
        assertThat(cc.window()).isEqualTo(2L * large);
        cc.onDatagramSizeChanged(MSS); // a new path starts over at the base: the bytes stay
        assertThat(cc.window()).isEqualTo(2L * large);
    }
}
