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
    PROTOCOL;

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
