package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentFrameRouterTests {

    private final Connection owner = new Connection(TransportConfig.defaults(), true, new Recorder(), 0);
    private final StreamTable streams = new StreamTable(owner, true, 10);
    private final ReceiveCredit credit = new ReceiveCredit(TransportConfig.INITIAL_MAX_DATA);
    private final PacketAssembler assembler =
            new PacketAssembler(credit, 8, TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD);
    private final SentFrameRouter router = new SentFrameRouter(streams, assembler, credit);

    private static SentPacket packet(SentFrame... frames) {
        return new SentPacket(0, 0, 100, List.of(frames));
    }

    /** A local stream whose 100 bytes and FIN went out in one frame, as the returned record says. */
    private SentFrame.StreamRange sentAll(Stream s) {
        s.send.write(ByteBuffer.allocate(100));
        s.send.finish();
        ByteBuffer out = ByteBuffer.allocate(TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD);
        return s.send.writeFrame(s, out, out.capacity(), Long.MAX_VALUE);
    }

    @Test
    void acknowledgedDataFreesAStreamWhoseReceiveSideIsDone() {
        Stream s = streams.openLocal(80);
        SentFrame.StreamRange range = sentAll(s);
        s.receive.receive(0, ByteBuffer.allocate(0), true, s);
        router.onPacketAcked(packet(range));
        assertThat(s.freed).isTrue();
        assertThat(streams.size()).isZero();
    }

    @Test
    void anAcknowledgedResetFreesTheStream() {
        Stream s = streams.openLocal(80);
        assembler.queueReset(s, TransportError.APPLICATION_BASE);
        s.receive.onReset(0);
        router.onPacketAcked(packet(new SentFrame.Reset(s)));
        assertThat(s.resetAcked).isTrue();
        assertThat(streams.size()).isZero();
    }

    @Test
    void lostDataIsQueuedAgain() {
        Stream s = streams.openLocal(80);
        SentFrame.StreamRange range = sentAll(s);
        assertThat(assembler.hasAckElicitingWork()).isFalse();
        router.onPacketLost(packet(range));
        assertThat(s.send.hasLost()).isTrue();
        assertThat(assembler.hasAckElicitingWork()).isTrue();
    }

    @Test
    void aLostResetIsQueuedAgainUnlessAcknowledgedMeanwhile() {
        Stream s = streams.openLocal(80);
        s.resetAcked = true;
        router.onPacketLost(packet(new SentFrame.Reset(s)));
        assertThat(s.resetPending).isFalse();
        s.resetAcked = false;
        router.onPacketLost(packet(new SentFrame.Reset(s)));
        assertThat(s.resetPending).isTrue();
        assertThat(s.controlQueued).isTrue();
    }

    @Test
    void lostCreditUpdatesAreResentOnlyIfStillCurrent() {
        Stream s = streams.openLocal(80);
        router.onPacketLost(packet(new SentFrame.MaxData(credit.limit() - 1),
                new SentFrame.MaxStreamData(s, s.receive.limit() - 1)));
        assertThat(credit.maxDataPending()).isFalse();
        assertThat(s.maxStreamDataPending).isFalse();

        router.onPacketLost(packet(new SentFrame.MaxData(credit.limit()),
                new SentFrame.MaxStreamData(s, s.receive.limit())));
        assertThat(credit.maxDataPending()).isTrue();
        assertThat(s.maxStreamDataPending).isTrue();
        assertThat(s.controlQueued).isTrue();
    }

    @Test
    void framesOfFreedStreamsAreIgnored() {
        Stream s = streams.openLocal(80);
        SentFrame.StreamRange range = sentAll(s);
        streams.freeAll();
        router.onPacketLost(packet(range, new SentFrame.MaxStreamData(s, s.receive.limit())));
        assertThat(s.send.hasLost()).isFalse();
        assertThat(assembler.hasAckElicitingWork()).isFalse();
    }
}
