package io.pilot.spring;

import io.pilot.engine.message.ErrorCode;

/**
 * A capability call that failed: the remote method threw, nothing provides the capability, the call timed
 * out, or the peer could not be reached. {@link #code()} says which; the message carries the remote text.
 */
public class PilotRemoteException extends RuntimeException {

    private final ErrorCode code;

    public PilotRemoteException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
