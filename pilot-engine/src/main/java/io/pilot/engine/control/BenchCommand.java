package io.pilot.engine.control;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.address.Ports;
import io.pilot.engine.message.Message;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import tools.jackson.databind.node.ObjectNode;

/**
 * {@code bench}: throughput over the tunnel to a target. Sends {@code bytes} to the target's discard
 * service ({@link Ports#DISCARD}) in messages of {@code messageBytes}, {@code inFlight} at a time so the
 * path never idles waiting for a reply, and counts only what the target acknowledged. The session is set up
 * (by a ping) before the clock starts, so the handshake is not measured.
 */
final class BenchCommand implements ControlCommand {

    static final int DEFAULT_BYTES = 64 * 1024 * 1024;
    private static final int MAX_BYTES = 1024 * 1024 * 1024;
    /** Large enough that per-message costs vanish, small enough that several fit the peer's flow window. */
    private static final int DEFAULT_MESSAGE_BYTES = 256 * 1024;
    private static final int DEFAULT_IN_FLIGHT = 8;
    private static final int MAX_IN_FLIGHT = 64;

    private final PilotNode node;
    private final Targets targets;
    private final Completion completion;

    BenchCommand(PilotNode node, Targets targets, Completion completion) {
        this.node = node;
        this.targets = targets;
        this.completion = completion;
    }

    @Override
    public boolean longRunning() {
        return true;
    }

    @Override
    public ObjectNode run(Arguments args, Progress progress) {
        String target = args.string("target");
        int bytes = args.integer("bytes", DEFAULT_BYTES, 1, MAX_BYTES);
        int messageBytes = args.integer("messageBytes", DEFAULT_MESSAGE_BYTES, 1, 16 * 1024 * 1024);
        int inFlight = args.integer("inFlight", DEFAULT_IN_FLIGHT, 1, MAX_IN_FLIGHT);
        PilotAddress address = targets.resolve(target);
        completion.await(node.ping(address));
        PilotSocketAddress discard = new PilotSocketAddress(address, Ports.DISCARD);
        byte[] chunk = new byte[Math.min(messageBytes, bytes)];
        Semaphore window = new Semaphore(inFlight);
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int messages = 0;
        long start = System.nanoTime();
        try {
            for (long remaining = bytes; remaining > 0 && failure.get() == null; remaining -= chunk.length) {
                window.acquire();
                byte[] body = remaining >= chunk.length ? chunk : Arrays.copyOf(chunk, (int) remaining);
                messages++;
                node.request(discard, Message.of(body)).whenComplete((reply, error) -> {
                    try {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        } else {
                            acknowledged.addAndGet(discarded(reply));
                        }
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        window.release();
                    }
                });
            }
            // Every request ends (a reply, or the node's request timeout): wait until all have.
            window.acquire(inFlight);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ControlError.INTERNAL, "interrupted while measuring", e);
        }
        long elapsedNanos = System.nanoTime() - start;
        if (failure.get() != null) {
            throw completion.translate(failure.get());
        }
        double seconds = elapsedNanos / 1e9;
        return Json.object().put("target", target).put("address", address.toString()).put("bytes", acknowledged.get())
                .put("messages", messages).put("messageBytes", chunk.length).put("inFlight", inFlight)
                .put("elapsedMillis", Math.round(elapsedNanos / 1e6 * 1000) / 1000.0)
                .put("mibPerSecond", Math.round(acknowledged.get() / (1024.0 * 1024.0) / seconds * 10) / 10.0);
    }

    private static long discarded(Message reply) {
        if (reply.body().length != Long.BYTES) {
            throw new IllegalStateException("the target's discard service answered " + reply.body().length
                    + " bytes instead of an 8-byte count");
        }
        return ByteBuffer.wrap(reply.body()).getLong();
    }
}
