package io.pilot.engine.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link JournaledStore} trades durability and disk space for speed.
 *
 * @param syncEveryWrite force every entry to disk before the call returns (the default). Without it a
 *        process crash still loses nothing, but a power cut may lose the writes since the last sync: meant
 *        for benchmarks and bulk loads, not for state that others rely on
 * @param syncInterval how often the journal is forced to disk when {@code syncEveryWrite} is off
 * @param compactionMinJournalBytes a journal smaller than this is never compacted, so that a small store
 *        is not rewritten over and over
 * @param compactionGrowthFactor compact once the journal is this many times the size of a snapshot of
 *        the live entries, which bounds both the disk used and the time replay takes on open
 */
public record StoreOptions(boolean syncEveryWrite, Duration syncInterval, long compactionMinJournalBytes,
                           int compactionGrowthFactor) {

    public StoreOptions {
        Objects.requireNonNull(syncInterval, "syncInterval");
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("the sync interval must be positive, not " + syncInterval);
        }
        if (compactionMinJournalBytes <= 0) {
            throw new IllegalArgumentException("the compaction threshold must be positive, not " + compactionMinJournalBytes);
        }
        if (compactionGrowthFactor < 1) {
            throw new IllegalArgumentException("the compaction growth factor must be at least 1, not " + compactionGrowthFactor);
        }
    }

    /** Sync every write; compact past 1 MiB of journal and 4 times the live data. */
    public static StoreOptions defaults() {
        return new StoreOptions(true, Duration.ofSeconds(1), 1 << 20, 4);
    }

    public StoreOptions withSyncEveryWrite(boolean syncEveryWrite) {
        return new StoreOptions(syncEveryWrite, syncInterval, compactionMinJournalBytes, compactionGrowthFactor);
    }

    public StoreOptions withSyncInterval(Duration syncInterval) {
        return new StoreOptions(syncEveryWrite, syncInterval, compactionMinJournalBytes, compactionGrowthFactor);
    }

    public StoreOptions withCompaction(long minJournalBytes, int growthFactor) {
        return new StoreOptions(syncEveryWrite, syncInterval, minJournalBytes, growthFactor);
    }
}
