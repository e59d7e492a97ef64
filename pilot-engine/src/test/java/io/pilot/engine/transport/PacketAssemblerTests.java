package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketAssemblerTests {

    private static final int PAYLOAD = TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD;

    private final Connection owner = new Connection(TransportConfig.defaults(), true, new Recorder(), 0);
    private final ReceiveCredit credit = new ReceiveCredit(TransportConfig.INITIAL_MAX_DATA);
    private final PacketAssembler assembler = new PacketAssembler(credit, 2, PAYLOAD);

    private Stream streamWith(int id, int bytes) {
        Stream s = new Stream(owner, id, 80);
        s.send.write(Recorder.patternBuffer(id, 0, bytes));
        assembler.schedule(s);
        return s;
    }

    /** Fills one packet (after an 8-byte packet number) and returns its frames; empty if nothing was written. */
    private List<Frame> nextPacket() {
        ByteBuffer out = ByteBuffer.allocate(PAYLOAD);
        out.putLong(0);
        assembler.startPacket();
        if (!assembler.fill(out, PAYLOAD)) {
            assertThat(out.position()).isEqualTo(FrameCodec.PACKET_HEADER_SIZE);
            return List.of();
        }
        return Frames.parse(Frames.bytes(out));
    }

    private static List<Integer> streamIds(List<Frame> frames) {
        List<Integer> ids = new ArrayList<>();
        for (Frame f : frames) {
            if (f instanceof Frame.StreamData d) {
                ids.add(d.streamId());
            }
        }
        return ids;
    }

    @Test
    void framesGoInTheirOrder() {
        credit.book(TransportConfig.INITIAL_MAX_DATA, TransportConfig.INITIAL_MAX_DATA); // MAX_DATA due
        Stream reset = new Stream(owner, 0, 80);
        assembler.queueReset(reset, TransportError.APPLICATION_BASE);
        assembler.requestPing();
        assertThat(assembler.queueDatagram(7, ByteBuffer.wrap(new byte[] {1, 2, 3}))).isTrue();
        streamWith(2, 10);

        List<Frame> frames = nextPacket();

        assertThat(frames).hasSize(5);
        assertThat(frames.get(0)).isEqualTo(new Frame.MaxData(credit.limit()));
        assertThat(frames.get(1)).isEqualTo(new Frame.ResetStream(0, TransportError.APPLICATION_BASE, 0));
        assertThat(frames.get(2)).isEqualTo(Frame.Ping.INSTANCE);
        assertThat(frames.get(3)).isInstanceOf(Frame.Datagram.class);
        assertThat(frames.get(4)).isInstanceOf(Frame.StreamData.class);
        assertThat(assembler.sentFrames()).hasSize(3); // MAX_DATA, RESET_STREAM and the stream range need action
        assertThat(credit.maxDataPending()).isFalse();
        assertThat(assembler.pingPending()).isFalse();
        assertThat(assembler.hasAckElicitingWork()).isFalse();
        assertThat(nextPacket()).isEmpty();
    }

    @Test
    void aStreamCutShortByTheFramesBeforeItStartsTheNextPacket() {
        // Small messages queued one after another: the packet's end cuts the third, which must complete before the
        // fourth and fifth (with a full turn first, they would complete before it and arrive out of order).
        int small = PAYLOAD * 2 / 5;
        for (int id = 0; id < 10; id += 2) {
            streamWith(id, small);
        }
        assertThat(streamIds(nextPacket())).containsExactly(0, 2, 4);
        assertThat(streamIds(nextPacket())).containsExactly(4, 6, 8);
        assertThat(streamIds(nextPacket())).containsExactly(8);
        assertThat(nextPacket()).isEmpty();
    }

    @Test
    void aStreamThatStartsAPacketAndFillsItStillWaitsItsTurn() {
        streamWith(0, 10);
        streamWith(2, 3 * PAYLOAD); // cut short after stream 0's frame: starts the next packet, then takes turns
        streamWith(4, 3 * PAYLOAD);
        assertThat(streamIds(nextPacket())).containsExactly(0, 2);
        assertThat(streamIds(nextPacket())).containsExactly(2);
        assertThat(streamIds(nextPacket())).containsExactly(4);
        assertThat(streamIds(nextPacket())).containsExactly(2);
        assertThat(streamIds(nextPacket())).containsExactly(4);
    }

    @Test
    void streamsTakeTurns() {
        streamWith(0, 3 * PAYLOAD);
        streamWith(2, 3 * PAYLOAD);
        assertThat(streamIds(nextPacket())).containsExactly(0);
        assertThat(streamIds(nextPacket())).containsExactly(2);
        assertThat(streamIds(nextPacket())).containsExactly(0);
        assertThat(streamIds(nextPacket())).containsExactly(2);
    }

    @Test
    void lostDataGoesOutAgainAndMarksThePacket() {
        Stream s = streamWith(0, 100);
        nextPacket();
        assertThat(assembler.retransmits()).isFalse();
        s.send.onLost(0, 100, false);
        assembler.schedule(s);
        List<Frame> frames = nextPacket();
        assertThat(((Frame.StreamData) frames.get(0)).offset()).isZero();
        assertThat(assembler.retransmits()).isTrue();
        assembler.startPacket();
        assertThat(assembler.retransmits()).isFalse();
        assertThat(assembler.sentFrames()).isEmpty();
    }

    @Test
    void aStreamWithoutConnectionCreditWaitsForMaxData() {
        int size = (int) TransportConfig.INITIAL_MAX_DATA + 100;
        Stream s = new Stream(owner, 0, 80);
        s.send.onMaxStreamData(2L * size);
        s.send.write(ByteBuffer.allocate(size));
        assembler.schedule(s);
        while (!nextPacket().isEmpty()) {
            assertThat(s.send.sentHigh()).isLessThanOrEqualTo(TransportConfig.INITIAL_MAX_DATA);
        }
        assertThat(s.send.sentHigh()).isEqualTo(TransportConfig.INITIAL_MAX_DATA);
        assertThat(assembler.hasAckElicitingWork()).isFalse();

        assembler.onMaxData(TransportConfig.INITIAL_MAX_DATA + 40);
        assertThat(assembler.hasAckElicitingWork()).isTrue();
        assertThat(nextPacket()).hasSize(1);
        assertThat(s.send.sentHigh()).isEqualTo(TransportConfig.INITIAL_MAX_DATA + 40);
    }

    @Test
    void datagramsAreBoundedInNumberAndSize() {
        int max = PAYLOAD - FrameCodec.PACKET_HEADER_SIZE - FrameCodec.DATAGRAM_HEADER_SIZE - Connection.IMMEDIATE_ACK_ROOM;
        assertThat(assembler.queueDatagram(1, ByteBuffer.allocate(max + 1))).isFalse();
        assertThat(assembler.queueDatagram(1, ByteBuffer.allocate(max))).isTrue();
        assertThat(assembler.queueDatagram(1, ByteBuffer.allocate(1))).isTrue();
        assertThat(assembler.queueDatagram(1, ByteBuffer.allocate(1))).isFalse(); // queue of 2 full
        assertThat(nextPacket()).hasSize(1); // the big one fills the packet
        assertThat(nextPacket()).hasSize(1);
    }

    @Test
    void clearDropsEverythingQueued() {
        streamWith(0, 100);
        assembler.queueDatagram(1, ByteBuffer.allocate(1));
        assembler.queueControl(new Stream(owner, 2, 80));
        assembler.clear();
        assertThat(assembler.hasAckElicitingWork()).isFalse();
    }
}
