package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentPacketTrackerTests {

    private static SentPacket packet(long number) {
        return new SentPacket(number, number * 1_000, 100, List.of());
    }

    @Test
    void growsPastItsSmallStartKeepingEveryPacketAtItsNumber() {
        // The ring starts small (a quiet connection has a packet or two in flight) and must grow without losing any.
        SentPacketTracker tracker = new SentPacketTracker();
        for (long pn = 0; pn < 300; pn += 3) { // gaps, as skipped and non-ack-eliciting packet numbers leave
            tracker.add(packet(pn));
        }
        for (long pn = 0; pn < 300; pn++) {
            SentPacket found = tracker.get(pn);
            if (pn % 3 == 0) {
                assertThat(found).as("packet %d", pn).isNotNull();
                assertThat(found.packetNumber).isEqualTo(pn);
            } else {
                assertThat(found).as("packet %d", pn).isNull();
            }
        }
        assertThat(tracker.firstPacketNumber()).isZero();
        assertThat(tracker.endPacketNumber()).isEqualTo(298);
    }

    @Test
    void removingTheOldestMovesTheStartAndAGrownRingKeepsWorking() {
        SentPacketTracker tracker = new SentPacketTracker();
        for (long pn = 0; pn < 20; pn++) {
            tracker.add(packet(pn));
        }
        for (long pn = 0; pn < 15; pn++) {
            assertThat(tracker.remove(pn).packetNumber).isEqualTo(pn);
        }
        assertThat(tracker.remove(3)).isNull();
        assertThat(tracker.firstPacketNumber()).isEqualTo(15);
        for (long pn = 20; pn < 100; pn++) { // wraps round the ring, then grows it again
            tracker.add(packet(pn));
        }
        for (long pn = 15; pn < 100; pn++) {
            assertThat(tracker.remove(pn).packetNumber).isEqualTo(pn);
        }
        assertThat(tracker.isEmpty()).isTrue();
        assertThatThrownBy(() -> {
            tracker.add(packet(200));
            tracker.add(packet(150));
        }).isInstanceOf(IllegalArgumentException.class);
    }
}
