package io.pilot.engine.message;

import io.pilot.engine.transport.Stream;

import java.nio.ByteBuffer;

/** Puts a message frame on a stream, leaving the stream open (a streamed reply sends several frames on one). */
final class FrameWriter {

    private FrameWriter() {
    }

    static void write(Stream stream, MessageFrame frame) {
        ByteBuffer[] parts = MessageFrameEncoder.encode(frame);
        stream.write(parts[0]);
        if (parts[1].hasRemaining()) {
            // The body is a Message's, which nobody may change: the stream holds it rather than a copy.
            stream.writeShared(parts[1]);
        }
    }
}
