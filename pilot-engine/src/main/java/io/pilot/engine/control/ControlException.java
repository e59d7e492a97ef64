package io.pilot.engine.control;

import java.util.Objects;

/** A control request that fails with a code the client can act on; becomes the final error line. */
final class ControlException extends RuntimeException {

    private final ControlError error;

    ControlException(ControlError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error, "error");
    }

    ControlException(ControlError error, String message, Throwable cause) {
        super(message, cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    ControlError error() {
        return error;
    }
}
