package io.pilot.engine.message;

/** Why a request failed. Travels in error replies, so the names are part of the protocol. */
public enum ErrorCode {
    /** Nothing listens on the target port. */
    NO_LISTENER,
    /** No reply within the timeout. */
    TIMEOUT,
    /** The remote handler failed; the message is its error text. */
    REMOTE_FAILURE,
    /** The message exceeds the sender's or the receiver's limit. */
    TOO_LARGE,
    /** No session could be established with the target. */
    UNREACHABLE,
    /** The connection ended before the reply came (closed, idle, or the peer restarted). */
    CONNECTION_LOST,
    /** The remote node has no capacity for the request now. */
    OVERLOADED,
    /** The peer broke the message protocol. */
    PROTOCOL,
    /** The handler refused the argument: it does not fit the parameters, fails validation or a precondition. */
    INVALID_ARGUMENT,
    /** The handler looked for what the request names and found nothing (distinct from {@link #NO_LISTENER}). */
    NOT_FOUND,
    /** The handler cannot serve now for a reason that passes (a dependency down, the agent stopping): retry later. */
    UNAVAILABLE,
    /** The caller's deadline (header {@code deadline}) passed before the handler answered; its work was cancelled. */
    DEADLINE_EXCEEDED,
    /** The caller cancelled the request (or gave up) before it was answered. */
    CANCELLED,
    /** The handler failed in a way the caller cannot fix (a bug); details stay with the serving agent's log. */
    INTERNAL;

    /** Parses a name received from the network; an unknown name becomes {@link #REMOTE_FAILURE}. */
    public static ErrorCode fromWire(String name) {
        if (name != null) {
            for (ErrorCode code : values()) {
                if (code.name().equals(name)) {
                    return code;
                }
            }
        }
        return REMOTE_FAILURE;
    }
}
