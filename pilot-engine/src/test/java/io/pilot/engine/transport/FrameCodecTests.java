package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTests {

    @Test
    void ackRangesRoundTrip() throws Exception {
        RangeSet received = new RangeSet();
        received.add(0, 5);
        received.add(7, 8);
        received.add(10, 20);
        ByteBuffer out = ByteBuffer.allocate(200);
        FrameCodec.writeAck(out, received, 1234, 32);
        assertThat(out.position()).isEqualTo(FrameCodec.ackFrameSize(3));
        out.flip();
        List<Frame> frames = new ArrayList<>();
        FrameCodec.decode(out, frames);
        Frame.Ack ack = (Frame.Ack) frames.get(0);
        assertThat(ack.ackDelayMicros()).isEqualTo(1234);
        assertThat(ack.ranges()).containsExactly(19, 10, 7, 7, 4, 0);
    }

    @Test
    void ackKeepsOnlyNewestRanges() throws Exception {
        RangeSet received = new RangeSet();
        for (int i = 0; i < 10; i++) {
            received.add(i * 3, i * 3 + 1);
        }
        ByteBuffer out = ByteBuffer.allocate(200);
        FrameCodec.writeAck(out, received, 0, 2);
        out.flip();
        List<Frame> frames = new ArrayList<>();
        FrameCodec.decode(out, frames);
        assertThat(((Frame.Ack) frames.get(0)).ranges()).containsExactly(27, 27, 24, 24);
    }

    @Test
    void everyFrameTypeRoundTrips() throws Exception {
        ByteBuffer out = ByteBuffer.allocate(500);
        out.put((byte) FrameCodec.PADDING).put((byte) FrameCodec.PING);
        FrameCodec.writeStreamHeader(out, 5, 443, 1L << 40, 3, true);
        out.put(new byte[] {1, 2, 3});
        FrameCodec.writeResetStream(out, 9, -1, 77);
        FrameCodec.writeMaxData(out, 1L << 33);
        FrameCodec.writeMaxStreamData(out, 9, 99);
        FrameCodec.writeDatagram(out, 53, ByteBuffer.wrap(new byte[] {4, 5}));
        FrameCodec.writeClose(out, 0x101, "bye \u00e9", 100);
        out.flip();
        List<Frame> frames = new ArrayList<>();
        FrameCodec.decode(out, frames);
        assertThat(frames).hasSize(7);
        assertThat(frames.get(0)).isEqualTo(Frame.Ping.INSTANCE);
        Frame.StreamData s = (Frame.StreamData) frames.get(1);
        assertThat(List.of(s.streamId(), s.port(), s.offset(), s.fin(), s.data().remaining()))
                .containsExactly(5, 443, 1L << 40, true, 3);
        assertThat(frames.get(2)).isEqualTo(new Frame.ResetStream(9, -1, 77));
        assertThat(frames.get(3)).isEqualTo(new Frame.MaxData(1L << 33));
        assertThat(frames.get(4)).isEqualTo(new Frame.MaxStreamData(9, 99));
        assertThat(((Frame.Datagram) frames.get(5)).data().remaining()).isEqualTo(2);
        assertThat(frames.get(6)).isEqualTo(new Frame.Close(0x101, "bye \u00e9"));
    }

    @Test
    void closeReasonIsTruncatedOnACharacterBoundary() throws Exception {
        ByteBuffer out = ByteBuffer.allocate(100);
        FrameCodec.writeClose(out, 1, "\u00e9\u00e9\u00e9", FrameCodec.CLOSE_HEADER_SIZE + 3);
        out.flip();
        List<Frame> frames = new ArrayList<>();
        FrameCodec.decode(out, frames);
        assertThat(((Frame.Close) frames.get(0)).reason()).isEqualTo("\u00e9");
    }

    @Test
    void rejectsMalformedInput() {
        assertMalformed(new byte[] {});
        assertMalformed(new byte[] {0x77});
        assertMalformed(new byte[] {FrameCodec.STREAM, 0, 0});
        assertMalformed(new byte[] {FrameCodec.STREAM, 0, 0, 0, 1, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff,
            (byte) 0xff, 1});
        assertMalformed(new byte[] {FrameCodec.ACK, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0});
        // range goes below zero
        assertMalformed(new byte[] {FrameCodec.ACK, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 5});
        // stream id >= 2^31
        assertMalformed(new byte[] {FrameCodec.MAX_STREAM_DATA, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    }

    private static void assertMalformed(byte[] body) {
        assertThatThrownBy(() -> FrameCodec.decode(ByteBuffer.wrap(body), new ArrayList<>()))
                .isInstanceOf(FrameCodec.MalformedException.class);
    }
}
