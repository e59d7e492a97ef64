package io.pilot.engine.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store directory back to the state of its last acknowledged write: the snapshot, then the
 * journal replayed on top. Everything is read and checked before anything is changed, so that a
 * {@link StoreCorruptedException} leaves the files as they were found.
 *
 * <p>A compaction replaces the snapshot first and the journal second, each by an atomic rename, so a
 * crash leaves one of three states, all readable:
 * <ul>
 * <li>old snapshot, old journal (generations equal): replay the journal;
 * <li>new snapshot, old journal (journal one generation behind): everything in the journal is in the
 *     snapshot already, so the compaction is finished by writing the new, empty journal;
 * <li>new snapshot, new journal: replay the journal.
 * </ul>
 * Temporary files left by the crash are deleted: they were never renamed, so nothing refers to them.
 */
final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private Recovery() {
    }

    /** The recovered contents, and the generation of the snapshot the journal now continues. */
    record Recovered(LiveState state, long generation) {
    }

    static Recovered run(StoreFiles files) throws IOException {
        LiveState state = new LiveState();
        boolean hasSnapshot = Files.exists(files.snapshot());
        long generation = hasSnapshot ? SnapshotReader.load(files.snapshot(), state) : 0;
        if (!Files.exists(files.journal())) {
            if (hasSnapshot) {
                throw new StoreCorruptedException(files.journal(), 0, "the journal is missing, yet snapshot generation "
                        + generation + " exists: the writes made after that snapshot are gone");
            }
            deleteTemporaries(files);
            createJournal(files, 0);
            return new Recovered(state, 0);
        }
        JournalReader.Replay replay = null;
        try (JournalReader reader = JournalReader.open(files.journal())) {
            if (reader.generation() == generation) {
                replay = reader.replayInto(state);
            } else if (!hasSnapshot || reader.generation() != generation - 1) {
                throw new StoreCorruptedException(files.journal(), FileHeader.GENERATION_OFFSET, "the journal continues generation "
                        + reader.generation() + ", but " + (hasSnapshot ? "the snapshot is generation " + generation
                        : "there is no snapshot (generation 0)"));
            }
        }
        deleteTemporaries(files);
        if (replay == null) {
            log.info("{}: finishing a compaction that a crash interrupted; the snapshot (generation {}) already holds the"
                    + " old journal's entries", files.directory(), generation);
            createJournal(files, generation);
        } else if (replay.torn()) {
            cutTornTail(files, replay);
        }
        return new Recovered(state, generation);
    }

    private static void deleteTemporaries(StoreFiles files) throws IOException {
        for (Path deleted : files.deleteTemporaries()) {
            log.info("Deleted {}, left by a compaction that a crash interrupted", deleted);
        }
    }

    private static void createJournal(StoreFiles files, long generation) throws IOException {
        Journal.writeEmpty(files.journalTemp(), generation);
        files.replace(files.journalTemp(), files.journal());
    }

    /** Keeps a synced copy of the journal as found, then cuts the torn entry off the journal itself. */
    private static void cutTornTail(StoreFiles files, JournalReader.Replay replay) throws IOException {
        Path copy = files.tornCopy(Instant.now());
        Files.copy(files.journal(), copy);
        try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try (FileChannel channel = FileChannel.open(files.journal(), StandardOpenOption.WRITE)) {
            channel.truncate(replay.validEnd());
            channel.force(true);
        }
        files.syncDirectory();
        log.warn("{}: the last entry was torn by a crash ({}); discarded {} bytes at offset {}. The journal as found is"
                + " kept in {}", files.journal(), replay.tornProblem(), replay.tornBytes(), replay.validEnd(), copy);
    }
}
