package io.pilot.engine.control;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.Ports;
import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.codec.StrictUtf8;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.node.ObjectNode;

/**
 * {@code listen}: serves a port for as long as the client stays (or until {@code count} messages came),
 * streaming each arriving message as a progress line; the port is given back when the command ends, so a
 * client that hangs up leaves nothing behind. Requests get an empty reply.
 */
final class ListenCommand implements ControlCommand {

    /** How often a quiet listener checks that its client is still there. */
    private static final long CHECK_MILLIS = 200;
    /** Messages waiting for a slow client; beyond that they are counted as dropped rather than kept. */
    private static final int QUEUED = 1024;
    /** Bodies up to this size are shown as text when they are UTF-8; larger ones only by size. */
    private static final int MAX_TEXT_BYTES = 4096;

    private final PilotNode node;

    ListenCommand(PilotNode node) {
        this.node = node;
    }

    @Override
    public boolean longRunning() {
        return true;
    }

    @Override
    public ObjectNode run(Arguments args, Progress progress) {
        int port = args.integer("port", 0, Ports.MAX);
        int count = args.integer("count", 0, 0, Integer.MAX_VALUE);
        BlockingQueue<IncomingMessage> arrived = new ArrayBlockingQueue<>(QUEUED);
        AtomicLong dropped = new AtomicLong();
        AutoCloseable listener = listen(port, in -> {
            if (!arrived.offer(in)) {
                dropped.incrementAndGet();
            }
            return CompletableFuture.completedFuture(Message.empty());
        });
        int received = 0;
        try (listener) {
            progress.report(Json.object().put("event", "listening").put("address", node.address().toString())
                    .put("port", port));
            while ((count == 0 || received < count) && !progress.cancelled()) {
                IncomingMessage in = arrived.poll(CHECK_MILLIS, TimeUnit.MILLISECONDS);
                if (in != null) {
                    received++;
                    progress.report(view(in));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ControlError.INTERNAL, "interrupted while listening", e);
        } catch (ControlException e) {
            throw e;
        } catch (Exception e) {
            throw new ControlException(ControlError.INTERNAL, "cannot give port " + port + " back: " + e, e);
        }
        return Json.object().put("port", port).put("received", received).put("dropped", dropped.get());
    }

    private AutoCloseable listen(int port, MessageHandler handler) {
        try {
            return node.listen(port, handler);
        } catch (IllegalStateException taken) {
            // The node's only refusal of a valid port while it runs: someone holds it (its echo and discard too).
            throw new ControlException(ControlError.PORT_IN_USE, "cannot listen on port " + port + ": "
                    + taken.getMessage(), taken);
        }
    }

    private static ObjectNode view(IncomingMessage in) {
        byte[] body = in.message().body();
        return Json.object().put("event", "message").put("from", in.from().toString()).put("port", in.port())
                .put("bytes", body.length).put("request", in.expectsReply()).put("text", text(body));
    }

    /** The body as text if it is short UTF-8, else null: binary shown as replacement characters would mislead. */
    private static String text(byte[] body) {
        if (body.length > MAX_TEXT_BYTES) {
            return null;
        }
        try {
            return StrictUtf8.decode(body);
        } catch (DecodeException e) {
            return null;
        }
    }
}
