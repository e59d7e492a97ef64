package io.pilot.engine.transport;

/**
 * Error codes carried in CLOSE (connection errors) and RESET_STREAM (stream errors) frames, and reported through
 * {@link CloseReason#code()}. Codes below {@link #APPLICATION_BASE} are reserved for the transport.
 */
public final class TransportError {

    /** Orderly close. */
    public static final int NO_ERROR = 0x0;
    /** A bug or an exception thrown by a handler; the connection cannot continue safely. */
    public static final int INTERNAL_ERROR = 0x1;
    /** The peer sent a well-formed packet that breaks the protocol (bad ACK, wrong stream id, final size change). */
    public static final int PROTOCOL_VIOLATION = 0x2;
    /** The peer sent beyond the credit we granted. */
    public static final int FLOW_CONTROL_ERROR = 0x3;
    /** Nothing was heard for {@link TransportConfig#idleTimeoutNanos()}; local only, never sent. */
    public static final int IDLE_TIMEOUT = 0x4;
    /** Stream error: the receiver already had {@link TransportConfig#maxIncomingStreams()} streams open. */
    public static final int STREAM_REFUSED = 0x5;
    /**
     * Ack-eliciting packets went unanswered, nothing at all heard, for {@link TransportConfig#unresponsiveTimeoutNanos()}:
     * the peer died or the path did; local only, never sent.
     */
    public static final int UNRESPONSIVE = 0x6;
    /** First code free for applications. */
    public static final int APPLICATION_BASE = 0x100;

    private TransportError() {
    }
}
