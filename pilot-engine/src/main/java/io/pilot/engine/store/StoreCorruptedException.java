package io.pilot.engine.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A store file that cannot be read as it is. Opening stops here rather than guess: skipping a damaged
 * entry in the middle of a journal would silently lose every acknowledged write after it. The files are
 * left exactly as they were found, for the operator to inspect, restore or repair.
 */
public final class StoreCorruptedException extends IOException {

    private final transient Path file;
    private final long offset;

    StoreCorruptedException(Path file, long offset, String problem) {
        super(file + " is corrupted at byte offset " + offset + ": " + problem + " (the store files were left untouched)");
        this.file = file;
        this.offset = offset;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** Where in {@link #file()} the problem starts. */
    public long offset() {
        return offset;
    }
}
