package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Out-of-order data: each byte is held once, within credit and the connection's segment budget. */
class ReassemblyTests {

    private static final long WINDOW = TransportConfig.INITIAL_MAX_STREAM_DATA;

    private final Recorder app = new Recorder();
    private final Connection owner = new Connection(TransportConfig.defaults(), true, new Recorder(), 0);
    private final StreamTable streams = new StreamTable(owner, true, 10);
    private final ReceiveCredit credit = new ReceiveCredit(TransportConfig.INITIAL_MAX_DATA);
    private final PacketAssembler assembler =
            new PacketAssembler(credit, 8, TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD);
    private final StreamFrameApplier applier =
            new StreamFrameApplier(owner, app, streams, assembler, credit, WINDOW);

    private boolean send(int id, long offset, int length) {
        return applier.onStreamData(new Frame.StreamData(id, 80, offset, false,
                Recorder.patternBuffer(id, offset, length)));
    }

    private ReassemblyBudget budget() {
        return owner.reassembly();
    }

    @Test
    void overlappingSegmentsInDescendingOrderAreTrimmedToTheBytesNotYetHeld() {
        for (long offset = 10_000; offset >= 100; offset -= 100) {
            assertThat(send(1, offset, 1100)).isTrue();
        }
        // [100, 11100) held once; each new segment replaced the trimmed ones it covered whole.
        assertThat(budget().bytes()).isEqualTo(11_000);
        assertThat(budget().segments()).isLessThanOrEqualTo(11);
        send(1, 0, 100);
        assertThat(app.received.get(1)).isEqualTo(11_100L);
        assertThat(budget().bytes()).isZero();
        assertThat(budget().segments()).isZero();
    }

    @Test
    void aSegmentCoveringBufferedOnesReplacesThemAndStopsAtOneItOverlapsInPart() {
        send(1, 10, 1);
        send(1, 20, 1);
        send(1, 30, 1);
        send(1, 45, 10);
        send(1, 5, 45); // covers 10, 20 and 30 whole, overlaps [45, 55) in part
        assertThat(budget().segments()).isEqualTo(2);
        assertThat(budget().bytes()).isEqualTo(40 + 10);
        send(1, 0, 5);
        assertThat(app.received.get(1)).isEqualTo(55L);
        assertThat(budget().segments()).isZero();
    }

    @Test
    void aSegmentAlreadyHeldWholeChangesNothing() {
        send(1, 100, 50);
        assertThat(send(1, 110, 20)).isTrue();
        assertThat(budget().bytes()).isEqualTo(50);
        assertThat(budget().segments()).isEqualTo(1);
    }

    @Test
    void pastTheSegmentBudgetNewSegmentsAreRefusedUntilTheGapFills() {
        int max = TransportConfig.defaults().maxReassemblySegments();
        for (int i = 0; i < max; i++) {
            assertThat(send(1, 2L * i + 1, 1)).isTrue();
        }
        assertThat(budget().segments()).isEqualTo(max);
        assertThat(send(1, 2L * max + 1, 1)).as("one segment too many").isFalse();
        assertThat(budget().segments()).isEqualTo(max);
        // A segment that replaces buffered ones needs no room: [2, 7) takes the place of [3, 4) and [5, 6).
        assertThat(send(1, 2, 5)).isTrue();
        assertThat(budget().segments()).isEqualTo(max - 1);
        // In-order data is never refused, and drains the buffer.
        assertThat(send(1, 0, 1)).isTrue();
        assertThat(app.received.get(1)).isEqualTo(8L);
    }

    @Test
    void aLocalAbortReleasesTheBufferedSegments() {
        send(1, 100, 50);
        send(1, 300, 50);
        streams.get(1).reset(0x100);
        assertThat(budget().bytes()).isZero();
        assertThat(budget().segments()).isZero();
    }
}
