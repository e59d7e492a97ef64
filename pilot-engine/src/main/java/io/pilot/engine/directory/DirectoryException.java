package io.pilot.engine.directory;

/** The backbone refused a directory request; {@link #error()} says why, the message what to do. */
public final class DirectoryException extends RuntimeException {

    private final DirectoryError error;
    private final String reason;

    public DirectoryException(DirectoryError error, String message) {
        super(error + ": " + message);
        this.error = error;
        this.reason = message;
    }

    public DirectoryError error() {
        return error;
    }

    /** The message without the error's name, for those who show the name apart (the control socket's code). */
    public String reason() {
        return reason;
    }
}
