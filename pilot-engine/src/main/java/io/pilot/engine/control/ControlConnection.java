package io.pilot.engine.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One client connection whose request line was read ({@link RequestReader}): runs the command, writes the progress lines and the final
 * line, closes. Whatever the client sends, it gets one final line and the server is unaffected.
 */
final class ControlConnection implements Runnable, Progress {

    private static final Logger log = LoggerFactory.getLogger(ControlConnection.class);

    private final SocketChannel channel;
    private final String line;
    private final ControlCommands commands;
    private final BooleanSupplier serverClosing;

    /** @param serverClosing true once the server is closing: streaming commands end then */
    ControlConnection(SocketChannel channel, String line, ControlCommands commands, BooleanSupplier serverClosing) {
        this.channel = channel;
        this.line = line;
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
            answer(line);
        } catch (ControlException e) {
            writeQuietly(error(e));
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

    private void answer(String line) throws IOException {
        JsonNode request = parse(line);
        String command = request.path("command").isString() ? request.path("command").stringValue() : null;
        if (command == null || command.isBlank()) {
            throw new ControlException(ControlError.BAD_REQUEST, "the request has no \"command\" string");
        }
        JsonNode args = request.path("args");
        if (!args.isMissingNode() && !args.isNull() && !args.isObject()) {
            throw new ControlException(ControlError.BAD_REQUEST, "\"args\" must be an object");
        }
        ObjectNode data;
        try {
            data = commands.run(command, new Arguments(args.isObject() ? args : Json.object()), this);
        } catch (ControlException e) {
            log.debug("control command {} failed: {} {}", command, e.error(), e.getMessage());
            write(error(e));
            return;
        }
        write(Json.object().put("status", "ok").set("data", data));
    }

    private static JsonNode parse(String line) {
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw new ControlException(ControlError.BAD_REQUEST, "the request is not JSON: " + e.getOriginalMessage());
        }
        if (request == null || !request.isObject()) {
            throw new ControlException(ControlError.BAD_REQUEST, "the request must be a JSON object");
        }
        return request;
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
