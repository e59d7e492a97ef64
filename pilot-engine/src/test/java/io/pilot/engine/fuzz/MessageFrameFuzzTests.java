package io.pilot.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.pilot.engine.message.FrameException;
import io.pilot.engine.message.MessageFrame;
import io.pilot.engine.message.MessageFrameDecoder;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Timeout;

/**
 * A message frame as a peer writes it on a stream, arriving in pieces: the first input byte is the piece
 * size (1..256), the rest is the stream's bytes. {@link MessageFrameDecoder#feed} returns the frame, null
 * (more to come) or throws {@link FrameException}; what it buffers is never more than its first 64 KiB body
 * buffer or four times what arrived (its buffer grows fourfold), whatever length the frame announces.
 */
@Timeout(10)
class MessageFrameFuzzTests {

    /** The node's default message limit. */
    private static final int MAX_BODY = 16 << 20;
    private static final int INITIAL_BODY_BUFFER = 64 * 1024;
    private static final int GROWTH = 4;

    @FuzzTest
    void frame(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        int piece = (bytes[0] & 0xFF) + 1;
        MessageFrameDecoder decoder = new MessageFrameDecoder(MAX_BODY);
        int fed = 0;
        for (int at = 1; at < bytes.length; at += piece) {
            int length = Math.min(piece, bytes.length - at);
            MessageFrame frame;
            try {
                frame = decoder.feed(ByteBuffer.wrap(bytes, at, length));
            } catch (FrameException e) {
                assertThat(e.code()).isNotNull();
                return;
            }
            fed += length;
            assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(Math.max(INITIAL_BODY_BUFFER, GROWTH * fed));
            if (frame != null) {
                assertThat(decoder.isComplete()).isTrue();
                assertThat(frame.message().body().length).isLessThanOrEqualTo(fed);
                frame.message().headers().forEach((name, value) -> assertThat(name).isNotEmpty());
            }
        }
    }
}
