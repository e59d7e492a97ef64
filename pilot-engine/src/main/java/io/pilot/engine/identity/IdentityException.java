package io.pilot.engine.identity;

import java.nio.file.Path;

/**
 * An identity file that cannot be used as it is. The node refuses to start rather than replace it:
 * losing the file would be losing the address.
 */
public final class IdentityException extends RuntimeException {

    private final transient Path file;

    public IdentityException(Path file, String problem) {
        super("identity file " + file + ": " + problem);
        this.file = file;
    }

    public IdentityException(Path file, String problem, Throwable cause) {
        super("identity file " + file + ": " + problem, cause);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
