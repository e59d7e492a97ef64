package io.pilot.engine.transport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Test helpers to build and inspect raw packet payloads. */
final class Frames {

    private Frames() {
    }

    static List<Frame> parse(byte[] payload) {
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        buffer.getLong();
        List<Frame> frames = new ArrayList<>();
        try {
            FrameCodec.decode(buffer, frames);
        } catch (FrameCodec.MalformedException e) {
            throw new AssertionError("connection produced a malformed packet", e);
        }
        return frames;
    }

    static ByteBuffer packet(long packetNumber) {
        ByteBuffer b = ByteBuffer.allocate(70_000);
        b.putLong(packetNumber);
        return b;
    }

    static byte[] bytes(ByteBuffer b) {
        b.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static byte[] stream(long pn, int id, int port, long offset, byte[] data, boolean fin) {
        ByteBuffer b = packet(pn);
        FrameCodec.writeStreamHeader(b, id, port, offset, data.length, fin);
        b.put(data);
        return bytes(b);
    }
}
