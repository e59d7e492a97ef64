package io.pilot.engine.noise;

/**
 * A Noise handshake or transport message was rejected: bad authentication tag, wrong length,
 * message out of turn, invalid DH input or exhausted nonces. Checked, because the input usually
 * comes from an untrusted peer and callers must decide how to drop the session.
 */
public final class NoiseException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message saying what was rejected. */
    public NoiseException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the underlying cause. */
    public NoiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
