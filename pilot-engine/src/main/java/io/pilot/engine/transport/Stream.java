package io.pilot.engine.transport;

import java.nio.ByteBuffer;

/**
 * A reliable, ordered, flow-controlled bidirectional byte stream inside a {@link Connection}.
 *
 * <p>Like the connection, a stream is confined to the caller's thread. Its state is freed once both directions are
 * done: the local side finished and everything was acknowledged (or a reset was acknowledged), and the peer's data
 * was delivered up to its FIN (or the peer reset). A side that only receives must still call {@link #finish()}.
 *
 * <p>{@link #reset(int)} aborts both directions (RESET_STREAM doubles as QUIC's STOP_SENDING): the peer answers
 * with its own RESET_STREAM so both sides learn each other's final size and connection credit stays consistent.
 */
public final class Stream {

    private final Connection connection;
    private final int id;
    private final int port;
    final SendStream send = new SendStream();
    final ReceiveStream receive;
    private StreamHandler handler;

    /** In the connection's send queue or its connection-credit-blocked list. */
    boolean queued;
    boolean blockedOnConnection;
    /** In the connection's control queue. */
    boolean controlQueued;
    boolean resetPending;
    boolean resetQueued;
    boolean resetAcked;
    int resetCode;
    boolean maxStreamDataPending;
    boolean localAbort;
    boolean resetNotified;
    boolean freed;
    /** Its place in its opener's order, counted on past the wraps of the ids ({@link StreamTable}). */
    long index;

    Stream(Connection connection, int id, int port) {
        this.connection = connection;
        this.id = id;
        this.port = port;
        this.receive = new ReceiveStream(connection.reassembly());
    }

    public int id() {
        return id;
    }

    /** Destination port the opener chose; carried in every STREAM frame. */
    public int port() {
        return port;
    }

    public StreamHandler handler() {
        return handler;
    }

    public void setHandler(StreamHandler handler) {
        this.handler = handler;
    }

    /**
     * Copies {@code data} (position to limit, consumed) into the send buffer. The buffer is unbounded; bounding it is
     * the caller's job.
     *
     * @throws IllegalStateException after {@link #finish()} or {@link #reset(int)}, or on a closed connection
     */
    public void write(ByteBuffer data) {
        checkWritable();
        send.write(data);
        connection.schedule(this);
    }

    /**
     * As {@link #write}, but without copying the bytes of a buffer backed by an array: the stream reads them from that
     * array until the peer has acknowledged them, so they must not change meanwhile (a {@code Message}'s body, which
     * nobody may change). What a 16 MiB request saves is a second 16 MiB.
     *
     * @throws IllegalStateException after {@link #finish()} or {@link #reset(int)}, or on a closed connection
     */
    public void writeShared(ByteBuffer data) {
        checkWritable();
        send.writeShared(data);
        connection.schedule(this);
    }

    /** Sends FIN after the buffered data; idempotent. */
    public void finish() {
        if (send.finRequested()) {
            return;
        }
        checkWritable();
        send.finish();
        connection.schedule(this);
    }

    /** Aborts both directions with an application error code; idempotent. */
    public void reset(int errorCode) {
        connection.resetLocally(this, errorCode);
    }

    /** True once the peer's data was fully delivered or the stream was reset. */
    public boolean isReceiveFinished() {
        return receive.isFinished();
    }

    private void checkWritable() {
        if (connection.isClosed()) {
            throw new IllegalStateException("connection closed");
        }
        if (send.finRequested() || send.isReset() || localAbort) {
            throw new IllegalStateException("stream " + id + " already finished or reset");
        }
    }

    void deliver(ByteBuffer data) {
        if (handler != null) {
            handler.onData(this, data);
        }
    }

    void deliverFin() {
        if (handler != null) {
            handler.onFinished(this);
        }
    }

    /** Whether every byte written and the FIN went out at least once, none of them declared lost since. */
    public boolean isAllSent() {
        return send.isFinSent();
    }

    /**
     * The local side needs nothing more: all it wrote and its FIN acknowledged, or a queued RESET_STREAM acknowledged.
     */
    public boolean isSendFinished() {
        return resetQueued ? resetAcked : send.isComplete();
    }

    @Override
    public String toString() {
        return "Stream[" + id + " -> port " + port + "]";
    }
}
