package io.pilot.engine.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The store directory is open in another process, or already open in this one. Two writers appending to
 * one journal would interleave their entries, so the second is turned away.
 */
public final class StoreLockedException extends IOException {

    private final transient Path lockFile;

    StoreLockedException(Path lockFile, String holder) {
        super("store directory " + lockFile.getParent() + " is in use: the lock on " + lockFile + " is held by " + holder);
        this.lockFile = lockFile;
    }

    /** The lock file whose lock is held. */
    public Path lockFile() {
        return lockFile;
    }
}
