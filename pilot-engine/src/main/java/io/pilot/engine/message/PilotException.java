package io.pilot.engine.message;

/**
 * A request or send that failed, with a {@link #code() code} saying why. Callers switch on the code;
 * the message says what happened in words a person can act on.
 */
public class PilotException extends RuntimeException {

    private final ErrorCode code;

    public PilotException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public PilotException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
