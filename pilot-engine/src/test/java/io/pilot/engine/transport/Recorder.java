package io.pilot.engine.transport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test application: verifies every stream's bytes against {@link #pattern} as they arrive (so ordering and
 * exactly-once delivery are checked byte by byte) and records everything else that happens.
 */
final class Recorder implements ConnectionHandler, StreamHandler {

    final Map<Integer, Long> received = new HashMap<>();
    final Map<Integer, Integer> finishedPorts = new HashMap<>();
    final Map<Integer, Integer> resets = new HashMap<>();
    final List<Stream> opened = new ArrayList<>();
    final List<byte[]> datagrams = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    CloseReason closed;
    long bytes;
    int finishes;
    /** Finish our own side of every peer-opened stream right away (pure receivers). */
    boolean finishOnOpen = true;

    static byte pattern(int streamId, long offset) {
        long x = offset * 0x9E3779B97F4A7C15L + streamId * 0x632BE59BD9B4E019L;
        return (byte) (x >>> 56);
    }

    static ByteBuffer patternBuffer(int streamId, long offset, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        for (int i = 0; i < length; i++) {
            buffer.put(pattern(streamId, offset + i));
        }
        return buffer.flip();
    }

    /** Writes {@code total} pattern bytes to {@code stream} in chunks, then FIN. */
    static void writePattern(Stream stream, long total) {
        long offset = 0;
        while (offset < total) {
            int n = (int) Math.min(65_536, total - offset);
            stream.write(patternBuffer(stream.id(), offset, n));
            offset += n;
        }
        stream.finish();
    }

    @Override
    public void onStreamOpened(Stream stream) {
        opened.add(stream);
        stream.setHandler(this);
        if (finishOnOpen) {
            stream.finish();
        }
    }

    @Override
    public void onData(Stream stream, ByteBuffer data) {
        long offset = received.getOrDefault(stream.id(), 0L);
        int n = data.remaining();
        for (int i = 0; i < n; i++) {
            if (data.get(data.position() + i) != pattern(stream.id(), offset + i)) {
                errors.add("stream " + stream.id() + " mismatch at " + (offset + i));
                break;
            }
        }
        if (finishedPorts.containsKey(stream.id())) {
            errors.add("data after FIN on " + stream.id());
        }
        data.position(data.limit());
        received.put(stream.id(), offset + n);
        bytes += n;
    }

    @Override
    public void onFinished(Stream stream) {
        if (finishedPorts.put(stream.id(), stream.port()) != null) {
            errors.add("FIN twice on " + stream.id());
        }
        finishes++;
    }

    @Override
    public void onReset(Stream stream, int errorCode) {
        resets.put(stream.id(), errorCode);
    }

    @Override
    public void onDatagram(int port, ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        datagrams.add(copy);
    }

    @Override
    public void onClosed(CloseReason reason) {
        if (closed != null) {
            errors.add("onClosed twice");
        }
        closed = reason;
    }
}
