package io.pilot.engine.message;


/** Bytes on a stream that are not a valid frame, or a frame over the limits. */
public final class FrameException extends Exception {

    private final ErrorCode code;

    FrameException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** {@link ErrorCode#TOO_LARGE} or {@link ErrorCode#PROTOCOL}. */
    public ErrorCode code() {
        return code;
    }
}
