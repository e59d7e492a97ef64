package io.pilot.engine.message;

import io.pilot.engine.transport.Stream;

import java.nio.ByteBuffer;

/** Puts a message frame on a stream, leaving the stream open (a streamed reply sends several frames on one). */
final class FrameWriter {

    private FrameWriter() {
    }

    static void write(Stream stream, MessageFrame frame) {
        for (ByteBuffer part : MessageFrameEncoder.encode(frame)) {
            if (part.hasRemaining()) {
                stream.write(part);
            }
        }
    }
}
