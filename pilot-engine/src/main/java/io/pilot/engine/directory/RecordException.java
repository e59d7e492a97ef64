package io.pilot.engine.directory;

/** Bytes that are not a valid signed record: malformed, over a limit, or not signed by the key inside. */
public final class RecordException extends RuntimeException {

    public RecordException(String message) {
        super(message);
    }
}
