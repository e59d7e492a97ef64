package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamFrameApplierTests {

    private static final long WINDOW = TransportConfig.INITIAL_MAX_STREAM_DATA;

    /** The connection the applier reports violations to; its own tables are not used here. */
    private final Recorder ownerEvents = new Recorder();
    private final Connection owner = new Connection(TransportConfig.defaults(), true, ownerEvents, 0);
    private final Recorder app = new Recorder();
    private final StreamTable streams = new StreamTable(owner, true, 2);
    private final ReceiveCredit credit = new ReceiveCredit(TransportConfig.INITIAL_MAX_DATA);
    private final PacketAssembler assembler =
            new PacketAssembler(credit, 8, TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD);
    private final StreamFrameApplier applier =
            new StreamFrameApplier(owner, app, streams, assembler, credit, WINDOW);

    private static Frame.StreamData data(int id, long offset, int length, boolean fin) {
        return new Frame.StreamData(id, 80, offset, fin, Recorder.patternBuffer(id, offset, length));
    }

    private List<Frame> nextPacket() {
        ByteBuffer out = ByteBuffer.allocate(TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD);
        out.putLong(0);
        assembler.startPacket();
        assembler.fill(out, out.capacity());
        return Frames.parse(Frames.bytes(out));
    }

    @Test
    void aPeerStreamOpensOnItsFirstFrameAndGetsItsData() {
        applier.onStreamData(data(1, 0, 100, false));
        assertThat(app.opened).hasSize(1);
        assertThat(app.opened.get(0).port()).isEqualTo(80);
        assertThat(app.received.get(1)).isEqualTo(100L);
        assertThat(credit.allows(TransportConfig.INITIAL_MAX_DATA - 100)).isTrue();
        assertThat(credit.allows(TransportConfig.INITIAL_MAX_DATA - 99)).isFalse();
        applier.onStreamData(data(1, 100, 50, true));
        assertThat(app.received.get(1)).isEqualTo(150L);
        assertThat(app.finishes).isEqualTo(1);
        assertThat(owner.isClosed()).isFalse();
    }

    @Test
    void aFreedPeerStreamIsNotOpenedAgain() {
        app.finishOnOpen = false;
        ConnectionHandler doneSending = stream -> {
            app.onStreamOpened(stream);
            stream.send.finish();
            stream.send.onAcked(0, 0, true);
        };
        StreamFrameApplier applier = new StreamFrameApplier(owner, doneSending, streams, assembler, credit, WINDOW);
        applier.onStreamData(data(1, 0, 10, true));
        assertThat(streams.size()).isZero();
        applier.onStreamData(data(1, 0, 10, true)); // late retransmission
        assertThat(app.opened).hasSize(1);
        assertThat(app.finishes).isEqualTo(1);
        assertThat(owner.isClosed()).isFalse();
    }

    @Test
    void aFrameForAStreamThisSideNeverOpenedIsAViolation() {
        applier.onStreamData(data(0, 0, 10, false));
        assertThat(ownerEvents.closed.code()).isEqualTo(TransportError.PROTOCOL_VIOLATION);
        assertThat(app.opened).isEmpty();
    }

    @Test
    void aStreamFrameNamingAnotherPortThanTheStreamsFirstIsAViolation() {
        applier.onStreamData(data(1, 0, 10, false));
        assertThat(owner.isClosed()).isFalse();
        applier.onStreamData(new Frame.StreamData(1, 81, 10, false, Recorder.patternBuffer(1, 10, 10)));
        assertThat(ownerEvents.closed.code()).isEqualTo(TransportError.PROTOCOL_VIOLATION);
        assertThat(ownerEvents.closed.message()).contains("port 81, opened for port 80");
        assertThat(app.received.get(1)).as("nothing of the frame delivered").isEqualTo(10L);
    }

    @Test
    void maxStreamDataForAStreamThisSideNeverOpenedIsAViolation() {
        applier.onMaxStreamData(new Frame.MaxStreamData(3, 1)); // a peer stream not seen: ignored
        assertThat(owner.isClosed()).isFalse();
        applier.onMaxStreamData(new Frame.MaxStreamData(0, 1));
        assertThat(ownerEvents.closed.code()).isEqualTo(TransportError.PROTOCOL_VIOLATION);
    }

    @Test
    void moreCreditUnblocksALocalStream() {
        Stream s = streams.openLocal(80);
        s.send.write(ByteBuffer.allocate((int) WINDOW + 10));
        assembler.schedule(s);
        while (assembler.hasAckElicitingWork()) {
            nextPacket();
        }
        assertThat(s.send.sentHigh()).isEqualTo(WINDOW);
        applier.onMaxStreamData(new Frame.MaxStreamData(s.id(), WINDOW + 10));
        assertThat(assembler.hasAckElicitingWork()).isTrue();
    }

    @Test
    void dataBeyondConnectionCreditIsAFlowControlError() {
        StreamTable roomy = new StreamTable(owner, true, 100);
        StreamFrameApplier applier = new StreamFrameApplier(owner, app, roomy, assembler, credit, WINDOW);
        long streamsToFill = TransportConfig.INITIAL_MAX_DATA / WINDOW;
        for (int i = 0; i < streamsToFill; i++) {
            applier.onStreamData(data(2 * i + 1, WINDOW - 1, 1, false));
        }
        assertThat(owner.isClosed()).isFalse();
        applier.onStreamData(data((int) (2 * streamsToFill + 1), WINDOW - 1, 1, false));
        assertThat(ownerEvents.closed.code()).isEqualTo(TransportError.FLOW_CONTROL_ERROR);
    }

    @Test
    void streamsBeyondTheIncomingLimitAreRefusedWithAReset() {
        applier.onStreamData(data(1, 0, 10, false));
        applier.onStreamData(data(3, 0, 10, false));
        applier.onStreamData(data(5, 0, 10, false));
        assertThat(app.opened).extracting(Stream::id).containsExactly(1, 3);
        assertThat(nextPacket()).contains(new Frame.ResetStream(5, TransportError.STREAM_REFUSED, 0));
    }

    @Test
    void aRefusedStreamKeepsNoStateButItsCreditIsCountedUntilThePeerResetsIt() {
        app.finishOnOpen = false;
        applier.onStreamData(data(1, 0, 10, false));
        applier.onStreamData(data(3, 0, 10, false));
        applier.onStreamData(data(5, 0, 10, false));
        applier.onStreamData(data(5, 10, 30, false));
        applier.onStreamData(data(5, 0, 10, false)); // again: counted once
        assertThat(streams.size()).isEqualTo(2);
        assertThat(streams.get(5)).isNull();
        assertThat(credit.allows(TransportConfig.INITIAL_MAX_DATA - 60)).isTrue();
        assertThat(credit.allows(TransportConfig.INITIAL_MAX_DATA - 59)).isFalse();
        // The peer's answer settles the final size; later frames for the id are ignored.
        applier.onResetStream(new Frame.ResetStream(5, TransportError.STREAM_REFUSED, 50));
        applier.onStreamData(data(5, 50, 10, false));
        assertThat(credit.allows(TransportConfig.INITIAL_MAX_DATA - 70)).isTrue();
        assertThat(credit.allows(TransportConfig.INITIAL_MAX_DATA - 69)).isFalse();
        assertThat(owner.isClosed()).isFalse();
        assertThat(app.opened).extracting(Stream::id).containsExactly(1, 3);
    }

    @Test
    void aRefusedStreamWithItsFinIsSettledAndForgotten() {
        app.finishOnOpen = false;
        applier.onStreamData(data(1, 0, 10, false));
        applier.onStreamData(data(3, 0, 10, false));
        applier.onStreamData(data(5, 0, 10, true));
        applier.onStreamData(data(5, 0, 10, true)); // a late copy: ignored
        assertThat(credit.allows(TransportConfig.INITIAL_MAX_DATA - 30)).isTrue();
        assertThat(credit.allows(TransportConfig.INITIAL_MAX_DATA - 29)).isFalse();
        assertThat(owner.isClosed()).isFalse();
    }

    @Test
    void aRefusedStreamsFinalSizeBelowItsDataIsAViolation() {
        applier.onStreamData(data(1, 0, 10, false));
        applier.onStreamData(data(3, 0, 10, false));
        applier.onStreamData(data(5, 0, 10, false));
        applier.onResetStream(new Frame.ResetStream(5, TransportError.STREAM_REFUSED, 5));
        assertThat(ownerEvents.closed.code()).isEqualTo(TransportError.PROTOCOL_VIOLATION);
    }

    @Test
    void aResetThatOpensAStreamIsAnsweredWithoutState() {
        applier.onResetStream(new Frame.ResetStream(1, TransportError.APPLICATION_BASE + 3, 20));
        assertThat(streams.size()).isZero();
        assertThat(app.resets).isEmpty();
        assertThat(nextPacket()).contains(new Frame.ResetStream(1, TransportError.APPLICATION_BASE + 3, 0));
        assertThat(credit.allows(TransportConfig.INITIAL_MAX_DATA - 20)).isTrue();
        assertThat(credit.allows(TransportConfig.INITIAL_MAX_DATA - 19)).isFalse();
    }

    @Test
    void refusalsPilingUpFasterThanTheyAreSentCloseTheConnection() {
        app.finishOnOpen = false;
        applier.onStreamData(data(1, 0, 1, false));
        applier.onStreamData(data(3, 0, 1, false));
        for (int i = 0; i < PacketAssembler.MAX_QUEUED_STATELESS_RESETS; i++) {
            applier.onStreamData(data(5 + 2 * i, 0, 1, false));
        }
        assertThat(owner.isClosed()).isFalse();
        applier.onStreamData(data(5 + 2 * PacketAssembler.MAX_QUEUED_STATELESS_RESETS, 0, 1, false));
        assertThat(ownerEvents.closed.code()).isEqualTo(TransportError.PROTOCOL_VIOLATION);
        assertThat(ownerEvents.closed.message()).contains("refusals");
        assertThat(streams.size()).isEqualTo(2);
    }

    @Test
    void aPeerResetIsAnsweredAndReported() {
        app.finishOnOpen = false;
        applier.onStreamData(data(1, 0, 10, false));
        applier.onResetStream(new Frame.ResetStream(1, TransportError.APPLICATION_BASE + 3, 20));
        assertThat(app.resets).containsEntry(1, TransportError.APPLICATION_BASE + 3);
        assertThat(nextPacket()).contains(new Frame.ResetStream(1, TransportError.APPLICATION_BASE + 3, 0));
        // The final size counts against connection credit: 20 bytes, not the 10 received.
        assertThat(credit.allows(TransportConfig.INITIAL_MAX_DATA - 20)).isTrue();
        assertThat(credit.allows(TransportConfig.INITIAL_MAX_DATA - 19)).isFalse();
    }

    @Test
    void aResetBelowTheDataReceivedIsAViolation() {
        applier.onStreamData(data(1, 0, 10, false));
        applier.onResetStream(new Frame.ResetStream(1, TransportError.APPLICATION_BASE, 5));
        assertThat(ownerEvents.closed.code()).isEqualTo(TransportError.PROTOCOL_VIOLATION);
        assertThat(app.resets).isEmpty();
    }

    @Test
    void aLocalResetStopsDeliveryAndQueuesResetStream() {
        app.finishOnOpen = false;
        applier.onStreamData(data(1, 0, 10, false));
        Stream s = app.opened.get(0);
        applier.resetLocally(s, TransportError.APPLICATION_BASE + 1);
        applier.onStreamData(data(1, 10, 10, false));
        assertThat(app.received.get(1)).isEqualTo(10L);
        assertThat(nextPacket()).contains(new Frame.ResetStream(1, TransportError.APPLICATION_BASE + 1, 0));
        assertThat(app.resets).isEmpty(); // a local abort is not reported back to the application
    }
}
