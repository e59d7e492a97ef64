package io.pilot.engine.control;

import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.codec.StrictUtf8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Reads the one request line of a connection, and nothing more than the limit, within a deadline: a client
 * that sends a huge line or half a line and then nothing must cost the node neither memory nor a worker.
 * The channel is read non-blocking under a selector (Unix domain channels have no read timeout).
 */
final class RequestReader {

    private final int maxBytes;
    private final Duration timeout;

    RequestReader(int maxBytes, Duration timeout) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    /**
     * The line without its {@code \n}; the text before end of stream if the client closed its side without
     * one; null if it closed without sending anything.
     *
     * @throws ControlException TOO_LARGE past the limit, TIMEOUT past the deadline, BAD_REQUEST if not UTF-8
     */
    String read(SocketChannel channel) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        long deadline = System.nanoTime() + timeout.toNanos();
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (remainingMillis <= 0) {
                    throw new ControlException(ControlError.TIMEOUT, "the request line did not end within "
                            + timeout.toMillis() + " ms (requests end with a newline)");
                }
                selector.select(remainingMillis);
                selector.selectedKeys().clear();
                buffer.clear();
                int read = channel.read(buffer);
                if (read < 0) {
                    return line.size() == 0 ? null : decode(line.toByteArray());
                }
                for (int i = 0; i < read; i++) {
                    byte b = buffer.get(i);
                    if (b == '\n') {
                        return decode(line.toByteArray());
                    }
                    if (line.size() == maxBytes) {
                        throw new ControlException(ControlError.TOO_LARGE, "the request line is longer than "
                                + maxBytes + " bytes");
                    }
                    line.write(b);
                }
            }
        } finally {
            channel.configureBlocking(true);
        }
    }

    private static String decode(byte[] bytes) {
        try {
            return StrictUtf8.decode(bytes);
        } catch (DecodeException e) {
            throw new ControlException(ControlError.BAD_REQUEST, "the request is not UTF-8 text");
        }
    }
}
