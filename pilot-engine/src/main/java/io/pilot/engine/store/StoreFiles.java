package io.pilot.engine.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of one store directory, and the durable rename that replaces one of them: a file is only
 * ever replaced by a complete, synced copy, and the directory is synced after the rename so that the new
 * name survives a power cut too.
 */
final class StoreFiles {

    private static final DateTimeFormatter TORN_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path directory;

    StoreFiles(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    Path journal() {
        return directory.resolve("journal");
    }

    Path snapshot() {
        return directory.resolve("snapshot");
    }

    Path journalTemp() {
        return directory.resolve("journal.tmp");
    }

    Path snapshotTemp() {
        return directory.resolve("snapshot.tmp");
    }

    Path lock() {
        return directory.resolve("store.lock");
    }

    /** A name not yet taken for keeping a journal as found before its torn tail is cut off. */
    Path tornCopy(Instant now) {
        String base = "journal.torn-" + TORN_SUFFIX.format(now);
        Path candidate = directory.resolve(base);
        for (int n = 2; Files.exists(candidate); n++) {
            candidate = directory.resolve(base + "-" + n);
        }
        return candidate;
    }

    /** Atomically renames a synced temporary file over {@code target}, then syncs the directory. */
    void replace(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory();
    }

    void syncDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Deletes what an interrupted compaction left behind; returns the files it deleted. */
    List<Path> deleteTemporaries() throws IOException {
        List<Path> deleted = new ArrayList<>();
        for (Path temp : List.of(snapshotTemp(), journalTemp())) {
            if (Files.deleteIfExists(temp)) {
                deleted.add(temp);
            }
        }
        return deleted;
    }
}
