package io.pilot.engine.message;

/**
 * A request or send that failed, with a {@link #code() code} saying why. Callers switch on the code;
 * the message says what happened in words a person can act on.
 */
public class PilotException extends RuntimeException {

    private final ErrorCode code;
    private final Message reply;

    public PilotException(ErrorCode code, String message) {
        this(code, message, (Message) null);
    }

    public PilotException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.reply = null;
    }

    /**
     * @param reply the error reply's headers and body: on the serving side what to send instead of {@code message}
     *     as text (e.g. a problem document, {@code application/problem+json}); on the calling side what arrived
     */
    public PilotException(ErrorCode code, String message, Message reply) {
        super(message);
        this.code = code;
        this.reply = reply;
    }

    public ErrorCode code() {
        return code;
    }

    /** The error reply as sent or received (headers and body), or null when it is the message as plain text. */
    public Message reply() {
        return reply;
    }
}
