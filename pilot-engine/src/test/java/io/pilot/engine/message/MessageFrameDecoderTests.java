package io.pilot.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;


import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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
    void aLargeBodyIsBufferedAsItArrivesAtMostFourTimesWhatCame() throws FrameException {
        byte[] body = new byte[16 << 20];
        new Random(7).nextBytes(body);
        ByteBuffer all = bytes(new MessageFrame(FrameKind.REQUEST, Message.of(body)));
        MessageFrameDecoder decoder = new MessageFrameDecoder(16 << 20);
        MessageFrame frame = null;
        int fed = 0;
        while (all.hasRemaining()) {
            assertThat(frame).isNull();
            int piece = Math.min(16_336, all.remaining()); // a large datagram's worth, as a bulk transfer delivers
            frame = decoder.feed(all.slice(all.position(), piece));
            all.position(all.position() + piece);
            fed += piece;
            if (frame == null) {
                assertThat(decoder.bufferedBytes()).as("after %d bytes", fed).isLessThanOrEqualTo(Math.max(1024, 4 * fed));
            }
        }
        assertThat(frame.message().body()).isEqualTo(body);
    }

    @Test
    void aLengthAnnouncedCostsOneKibibyteUntilItsBytesCome() throws FrameException {
        // A request announcing 16 MiB and bringing 3 bytes of it: what a peer opening thousands of streams sends.
        ByteBuffer prelude = ByteBuffer.allocate(9).put((byte) 1).put((byte) 0).putInt(16 << 20)
                .put(new byte[] {1, 2, 3}).flip();
        MessageFrameDecoder decoder = new MessageFrameDecoder(16 << 20);
        assertThat(decoder.feed(prelude)).isNull();
        assertThat(decoder.bufferedBytes()).isEqualTo(1024);
        // A piece that brings more at once gets room for all of it in one array, not 1 KiB to grow from.
        ByteBuffer bigPiece = bytes(new MessageFrame(FrameKind.REQUEST, Message.of(new byte[40_000])));
        MessageFrameDecoder whole = new MessageFrameDecoder(16 << 20);
        whole.feed(bigPiece.slice(0, 30_006));
        assertThat(whole.bufferedBytes()).isEqualTo(30_000);
    }

    @Test
    void headersReadSoFarCountAmongTheBytesHeld() throws FrameException {
        Message message = Message.of(new byte[10]).with("big-one", "v".repeat(8000)).with("big-two", "w".repeat(8000));
        ByteBuffer all = bytes(new MessageFrame(FrameKind.REQUEST, message));
        MessageFrameDecoder decoder = new MessageFrameDecoder(1 << 20);
        int beforeBody = all.remaining() - 10 - 4; // up to the body's length
        assertThat(decoder.feed(all.slice(0, beforeBody))).isNull();
        assertThat(decoder.bufferedBytes()).as("the two values and names, held until the frame is whole")
                .isGreaterThanOrEqualTo(16_000);
        decoder.discard();
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @Test
    void discardLetsGoOfWhatAPartFrameHeldAndSpendsTheDecoder() throws FrameException {
        ByteBuffer all = bytes(new MessageFrame(FrameKind.REQUEST, Message.of(new byte[100_000])));
        MessageFrameDecoder decoder = new MessageFrameDecoder(16 << 20);
        assertThat(decoder.feed(all.slice(0, 50_000))).isNull();
        assertThat(decoder.bufferedBytes()).isPositive();
        decoder.discard();
        assertThat(decoder.bufferedBytes()).isZero();
        assertThat(decoder.isComplete()).isFalse();
        assertThatExceptionOfType(FrameException.class).isThrownBy(() -> decoder.feed(all.slice(50_000, 10)))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL));
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

    @Test
    void bytesAfterAPlainFrameAreRefusedButAfterRequestStreamAreLeftForTheCredits() throws FrameException {
        ByteBuffer twoFrames = concat(bytes(new MessageFrame(FrameKind.REQUEST, SAMPLE)),
                bytes(StreamCredit.frame(4)));
        assertThatExceptionOfType(FrameException.class)
                .isThrownBy(() -> new MessageFrameDecoder(1 << 20).feed(twoFrames))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL))
                .withMessageContaining("bytes after the end of the frame");

        ByteBuffer streamed = concat(bytes(new MessageFrame(FrameKind.REQUEST_STREAM, SAMPLE)),
                bytes(StreamCredit.frame(4)));
        MessageFrame first = new MessageFrameDecoder(1 << 20).feed(streamed);
        assertSame(first, FrameKind.REQUEST_STREAM, SAMPLE);
        MessageFrame credit = new MessageFrameDecoder(0).next(streamed);
        assertThat(credit.kind()).isEqualTo(FrameKind.CREDIT);
        assertThat(credit.message().header(Headers.CREDIT)).isEqualTo("4");
    }

    @Test
    void aSequenceOfFramesIsReadOneByOneInPiecesOfAnySize() throws FrameException {
        ByteBuffer all = concat(bytes(new MessageFrame(FrameKind.ITEM, SAMPLE)),
                bytes(new MessageFrame(FrameKind.ITEM, Message.of("second"))),
                bytes(new MessageFrame(FrameKind.END, Message.empty())));
        for (int piece : new int[] {1, 7, all.remaining()}) {
            MessageFrameDecoder decoder = new MessageFrameDecoder(1 << 20);
            List<MessageFrame> frames = new ArrayList<>();
            ByteBuffer in = all.duplicate();
            while (in.hasRemaining()) {
                ByteBuffer chunk = in.slice().limit(Math.min(piece, in.remaining()));
                in.position(in.position() + chunk.remaining());
                for (MessageFrame f = decoder.next(chunk); f != null; f = decoder.next(chunk)) {
                    frames.add(f);
                }
                assertThat(chunk.hasRemaining()).isFalse();
            }
            assertThat(frames).extracting(MessageFrame::kind).containsExactly(FrameKind.ITEM, FrameKind.ITEM, FrameKind.END);
            assertSame(frames.get(0), FrameKind.ITEM, SAMPLE);
            assertThat(frames.get(1).message().bodyAsString()).isEqualTo("second");
            assertThat(frames.get(1).message().headers()).as("each frame's own headers")
                    .containsExactlyEntriesOf(Message.of("second").headers());
            assertThat(frames.get(0).message().headers()).as("not cleared by the frames read after it")
                    .containsExactlyEntriesOf(SAMPLE.headers());
            assertThat(decoder.isBetweenFrames()).isTrue();
        }
    }

    @Test
    void creditHeadersAreCountsWithinTheCap() {
        assertThat(parseCredit("0", 0)).isZero();
        assertThat(parseCredit("1024", 1)).isEqualTo(1024);
        for (String bad : new String[] {"1025", "-1", "", "abc", "99999999999", "1e3", " 5"}) {
            assertThatExceptionOfType(FrameException.class)
                    .isThrownBy(() -> StreamCredit.parse(Message.empty().with(Headers.CREDIT, bad), 1))
                    .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL));
        }
        assertThatExceptionOfType(FrameException.class).isThrownBy(() -> StreamCredit.parse(Message.empty(), 0));
        assertThatExceptionOfType(FrameException.class)
                .isThrownBy(() -> StreamCredit.parse(Message.empty().with(Headers.CREDIT, "0"), 1));
    }

    private static int parseCredit(String value, int min) {
        try {
            return StreamCredit.parse(Message.empty().with(Headers.CREDIT, value), min);
        } catch (FrameException e) {
            throw new AssertionError(e);
        }
    }

    private static ByteBuffer concat(ByteBuffer... parts) {
        int size = 0;
        for (ByteBuffer part : parts) {
            size += part.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (ByteBuffer part : parts) {
            all.put(part.duplicate());
        }
        return all.flip();
    }

    @Test
    void headerValuesAreWrittenAsUtf8WhetherAsciiOrNot() throws FrameException {
        Message message = Message.of(new byte[] {9}).with("a", "ok").with("b", "é€");
        ByteBuffer encoded = bytes(new MessageFrame(FrameKind.REPLY, message));

        ByteBuffer expected = ByteBuffer.allocate(64).put((byte) FrameKind.REPLY.wire).put((byte) 2)
                .put((byte) 1).put((byte) 'a').putShort((short) 2).put((byte) 'o').put((byte) 'k')
                .put((byte) 1).put((byte) 'b').putShort((short) 5)
                .put(new byte[] {(byte) 0xC3, (byte) 0xA9, (byte) 0xE2, (byte) 0x82, (byte) 0xAC})
                .putInt(1).put((byte) 9).flip();
        assertThat(encoded).isEqualTo(expected);
        assertSame(new MessageFrameDecoder(64).feed(encoded), FrameKind.REPLY, message);
    }

    @Test
    void aHeaderValueThatIsNotUtf8IsAProtocolErrorNotReplacementCharacters() {
        for (byte[] value : new byte[][] {{(byte) 0xC3}, {(byte) 0xFF, 'a'}, {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            ByteBuffer frame = ByteBuffer.allocate(32).put((byte) FrameKind.REQUEST.wire).put((byte) 1)
                    .put((byte) 1).put((byte) 'x').putShort((short) value.length).put(value).putInt(0).flip();
            assertThatExceptionOfType(FrameException.class).isThrownBy(() -> new MessageFrameDecoder(64).feed(frame))
                    .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL))
                    .withMessage("header 'x' value is not UTF-8");
        }
    }

    @Test
    void aRepeatedHeaderNameIsAProtocolErrorNotTheLastValue() {
        ByteBuffer frame = ByteBuffer.allocate(32).put((byte) FrameKind.REQUEST.wire).put((byte) 2)
                .put((byte) 1).put((byte) 'x').putShort((short) 1).put((byte) '1')
                .put((byte) 1).put((byte) 'x').putShort((short) 1).put((byte) '2').putInt(0).flip();
        assertThatExceptionOfType(FrameException.class).isThrownBy(() -> new MessageFrameDecoder(64).feed(frame))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL))
                .withMessage("header 'x' repeated");
    }

    @Test
    void aDecodedHeaderNameOutsideTheAlphabetIsAProtocolError() {
        ByteBuffer frame = ByteBuffer.allocate(32).put((byte) FrameKind.REQUEST.wire).put((byte) 1)
                .put((byte) 1).put((byte) 'A').putShort((short) 1).put((byte) 'x').putInt(0).flip();

        assertThatExceptionOfType(FrameException.class).isThrownBy(() -> new MessageFrameDecoder(64).feed(frame))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL));
    }
}
