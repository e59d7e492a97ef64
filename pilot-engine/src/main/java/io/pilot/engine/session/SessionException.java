package io.pilot.engine.session;

/** A secure session could not be established or was lost. */
public final class SessionException extends RuntimeException {

    public SessionException(String message) {
        super(message);
    }
}
