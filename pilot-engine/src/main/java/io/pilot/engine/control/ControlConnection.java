package io.pilot.engine.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.node.ObjectNode;

/**
 * One client connection whose request was read ({@link RequestReader}) and parsed ({@link ControlRequest}): runs the command, writes the progress lines and the final
 * line, closes. Whatever the client sends, it gets one final line and the server is unaffected.
 */
final class ControlConnection implements Runnable, Progress {

    private static final Logger log = LoggerFactory.getLogger(ControlConnection.class);

    private final SocketChannel channel;
    private final ControlRequest request;
    private final ControlCommands commands;
    private final BooleanSupplier serverClosing;

    /** @param serverClosing true once the server is closing: streaming commands end then */
    ControlConnection(SocketChannel channel, ControlRequest request, ControlCommands commands, BooleanSupplier serverClosing) {
        this.channel = channel;
        this.request = request;
        this.commands = commands;
        this.serverClosing = serverClosing;
    }

    @Override
    public void run() {
        try (channel) {
            serve();
        } catch (IOException e) {
            log.debug("closing a control connection failed: {}", e.toString());
        }
    }

    private void serve() {
        try {
            answer();
        } catch (IOException e) {
            log.debug("control client went away: {}", e.toString());
        } catch (RuntimeException e) {
            log.warn("control request failed unexpectedly", e);
            writeQuietly(error(new ControlException(ControlError.INTERNAL, e.toString())));
        }
    }

    /** Tells a client that cannot be served why, and hangs up. */
    static void refuse(SocketChannel channel, ControlException reason) {
        try (channel) {
            write(channel, error(reason));
        } catch (IOException e) {
            log.debug("cannot answer the control client: {}", e.toString());
        }
    }

    private void answer() throws IOException {
        ObjectNode data;
        try {
            data = commands.run(request.command(), request.args(), this);
        } catch (ControlException e) {
            log.debug("control command {} failed: {} {}", request.command(), e.error(), e.getMessage());
            write(error(e));
            return;
        }
        write(Json.object().put("status", "ok").set("data", data));
    }

    @Override
    public void report(ObjectNode data) {
        try {
            write(Json.object().put("status", "progress").set("data", data));
        } catch (IOException e) {
            throw new ControlException(ControlError.INTERNAL, "the client went away: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean cancelled() {
        return serverClosing.getAsBoolean() || clientHungUp();
    }

    /**
     * A client sends nothing after its request line, so end of stream on a read means it hung up. Probed
     * without blocking: a quiet streaming command has no write that would fail to tell it.
     */
    private boolean clientHungUp() {
        try {
            channel.configureBlocking(false);
            try {
                return channel.read(ByteBuffer.allocate(1)) < 0;
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException e) {
            return true;
        }
    }

    private static ObjectNode error(ControlException e) {
        return Json.object().put("status", "error").put("code", e.error().name()).put("message", e.getMessage())
                .put("hint", e.error().hint());
    }

    private void writeQuietly(ObjectNode line) {
        try {
            write(line);
        } catch (IOException e) {
            log.debug("cannot answer the control client: {}", e.toString());
        }
    }

    private void write(ObjectNode line) throws IOException {
        write(channel, line);
    }

    private static void write(SocketChannel channel, ObjectNode line) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((Json.MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
