package io.pilot.engine.directory;

/** The backbone refused a directory request; {@link #error()} says why, the message what to do. */
public final class DirectoryException extends RuntimeException {

    private final DirectoryError error;

    public DirectoryException(DirectoryError error, String message) {
        super(error + ": " + message);
        this.error = error;
    }

    public DirectoryError error() {
        return error;
    }
}
