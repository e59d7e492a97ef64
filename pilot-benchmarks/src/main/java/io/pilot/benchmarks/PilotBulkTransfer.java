package io.pilot.benchmarks;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bulk transfer over one Pilot session: the client sends requests of {@code messageBytes} one after the
 * other (one request, hence one stream, in flight at a time) and the server's handler answers each with
 * an empty reply. What counts is the body bytes the server's handler received while the window was open.
 *
 * <p>One request at a time is the honest "single stream" case: the transfer pays, once per message, one
 * round trip for the empty reply and the hand-off to and from the handler thread. With 16 MiB messages that
 * is a fraction of a percent of a message's transfer time.
 */
public final class PilotBulkTransfer {

    /** The port the server's byte-counting handler listens on. */
    static final int PORT = 4000;

    private final PilotPair pair;
    private final Message message;
    private final PilotSocketAddress target;
    private final AtomicLong delivered = new AtomicLong();
    private long requests;

    /** Starts counting on the pair's server; the pair stays owned by the caller. */
    public PilotBulkTransfer(PilotPair pair, int messageBytes) {
        this.pair = pair;
        byte[] body = new byte[messageBytes];
        ThreadLocalRandom.current().nextBytes(body);
        this.message = Message.of(body);
        this.target = pair.serverPort(PORT);
        pair.server().listen(PORT, MessageHandler.of(in -> {
            delivered.addAndGet(in.message().body().length);
            return Message.empty();
        }));
    }

    /** Sends requests back to back until {@code window} has passed; completes the last one before returning. */
    public Transfer measure(Duration window) {
        long before = delivered.get();
        long start = System.nanoTime();
        long deadline = start + window.toNanos();
        long now;
        do {
            pair.client().request(target, message).join();
            requests++;
            now = System.nanoTime();
        } while (now < deadline);
        return new Transfer(delivered.get() - before, now - start);
    }

    /**
     * Datagram bytes the client has sent to the server so far (headers, tags and retransmissions
     * included): against the delivered bytes, the cost of encryption, framing and recovery.
     */
    public long wireBytesSent() {
        return server().bytesOut();
    }

    /** Requests completed so far, by {@link #measure} on the calling thread. */
    public long requests() {
        return requests;
    }

    /** Times the client's probe timer fired towards the server so far (its connection's counter). */
    public long probeTimeouts() {
        return server().transport().probeTimeouts();
    }

    /** The client's view of its session with the server. */
    private PeerInfo server() {
        return pair.client().peer(pair.server().address()).orElseThrow();
    }
}
