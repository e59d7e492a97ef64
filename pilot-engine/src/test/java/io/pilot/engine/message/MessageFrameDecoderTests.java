package io.pilot.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;


import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;

class MessageFrameDecoderTests {

    private static final Message SAMPLE = Message.of("résumé of 10.1145/3133956")
            .with(Headers.TRACEPARENT, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            .with("empty", "");

    @Test
    void decodesAFrameFedAtOnce() throws FrameException {
        MessageFrame frame = new MessageFrameDecoder(1 << 20).feed(bytes(new MessageFrame(FrameKind.REQUEST, SAMPLE)));
        assertSame(frame, FrameKind.REQUEST, SAMPLE);
    }

    @Test
    void decodesAFrameFedOneByteAtATime() throws FrameException {
        ByteBuffer all = bytes(new MessageFrame(FrameKind.REPLY, SAMPLE));
        MessageFrameDecoder decoder = new MessageFrameDecoder(1 << 20);
        MessageFrame frame = null;
        while (all.hasRemaining()) {
            assertThat(frame).isNull();
            frame = decoder.feed(ByteBuffer.wrap(new byte[] {all.get()}));
        }
        assertSame(frame, FrameKind.REPLY, SAMPLE);
        assertThat(decoder.isComplete()).isTrue();
    }

    @Test
    void decodesEmptyBodyAndNoHeaders() throws FrameException {
        MessageFrame frame = new MessageFrameDecoder(0).feed(bytes(new MessageFrame(FrameKind.ONE_WAY, Message.empty())));
        assertThat(frame.kind()).isEqualTo(FrameKind.ONE_WAY);
        assertThat(frame.message().body()).isEmpty();
        assertThat(frame.message().headers()).isEmpty();
    }

    @Test
    void truncatedFrameIsIncompleteNotAnError() throws FrameException {
        ByteBuffer all = bytes(new MessageFrame(FrameKind.REQUEST, SAMPLE));
        for (int length = 0; length < all.remaining(); length++) {
            MessageFrameDecoder decoder = new MessageFrameDecoder(1 << 20);
            assertThat(decoder.feed(all.duplicate().limit(length))).isNull();
            assertThat(decoder.isComplete()).isFalse();
        }
    }

    @Test
    void oversizedBodyIsRefusedBeforeAnythingIsBuffered() {
        ByteBuffer prelude = ByteBuffer.allocate(6).put((byte) 1).put((byte) 0).putInt(Integer.MAX_VALUE).flip();
        assertThatExceptionOfType(FrameException.class).isThrownBy(() -> new MessageFrameDecoder(16 << 20).feed(prelude))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE))
                .withMessageContaining("exceeds the limit of 16777216 bytes");
        ByteBuffer huge = ByteBuffer.allocate(6).put((byte) 1).put((byte) 0).putInt(-1).flip();
        assertThatExceptionOfType(FrameException.class).isThrownBy(() -> new MessageFrameDecoder(16 << 20).feed(huge))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
    }

    @Test
    void garbageIsAProtocolError() {
        assertThatExceptionOfType(FrameException.class)
                .isThrownBy(() -> new MessageFrameDecoder(100).feed(ByteBuffer.wrap(new byte[] {9})))
                .withMessageContaining("unknown frame kind");
        assertThatExceptionOfType(FrameException.class)
                .isThrownBy(() -> new MessageFrameDecoder(100).feed(ByteBuffer.wrap(new byte[] {1, (byte) 200})))
                .withMessageContaining("more than 64 headers");
        assertThatExceptionOfType(FrameException.class)
                .isThrownBy(() -> new MessageFrameDecoder(100).feed(ByteBuffer.wrap(new byte[] {1, 1, 0})))
                .withMessageContaining("empty header name");
        assertThatExceptionOfType(FrameException.class)
                .isThrownBy(() -> new MessageFrameDecoder(100).feed(ByteBuffer.wrap(new byte[] {1, 1, 1, 'A', 0, 0, 0, 0, 0, 0})))
                .withMessageContaining("header name 'A'");
    }

    @Test
    void bytesAfterTheFrameAreAProtocolError() {
        ByteBuffer all = bytes(new MessageFrame(FrameKind.REQUEST, SAMPLE));
        ByteBuffer extra = ByteBuffer.allocate(all.remaining() + 1).put(all).put((byte) 0).flip();
        assertThatExceptionOfType(FrameException.class).isThrownBy(() -> new MessageFrameDecoder(1 << 20).feed(extra))
                .withMessageContaining("after the end of the frame");
    }

    @Test
    void randomBytesNeverThrowAnythingButFrameException() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] garbage = new byte[random.nextInt(64)];
            random.nextBytes(garbage);
            MessageFrameDecoder decoder = new MessageFrameDecoder(1024);
            try {
                decoder.feed(ByteBuffer.wrap(garbage));
            } catch (FrameException expected) {
                assertThat(expected.code()).isIn(ErrorCode.PROTOCOL, ErrorCode.TOO_LARGE);
            }
        }
    }

    private static void assertSame(MessageFrame frame, FrameKind kind, Message expected) {
        assertThat(frame).isNotNull();
        assertThat(frame.kind()).isEqualTo(kind);
        assertThat(frame.message().headers()).containsExactlyEntriesOf(expected.headers());
        assertThat(frame.message().body()).isEqualTo(expected.body());
    }

    private static ByteBuffer bytes(MessageFrame frame) {
        ByteBuffer[] parts = MessageFrameEncoder.encode(frame);
        ByteBuffer all = ByteBuffer.allocate(parts[0].remaining() + parts[1].remaining());
        for (ByteBuffer part : parts) {
            all.put(part);
        }
        return all.flip();
    }
}
