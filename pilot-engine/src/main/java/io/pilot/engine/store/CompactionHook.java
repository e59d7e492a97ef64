package io.pilot.engine.store;

import java.io.IOException;

/**
 * Called between the steps of a compaction, so that tests can stop one at any step, as a crash would,
 * and check what the files on disk then recover to.
 */
@FunctionalInterface
interface CompactionHook {

    /** The points between the file operations of a compaction, in order. */
    enum Step {
        /** The new snapshot is complete and synced under its temporary name. */
        SNAPSHOT_SYNCED,
        /** The new snapshot has replaced the old one; the journal is still the old one. */
        SNAPSHOT_RENAMED,
        /** The new, empty journal is complete and synced under its temporary name. */
        JOURNAL_SYNCED
    }

    CompactionHook NONE = step -> { };

    void reached(Step step) throws IOException;
}
