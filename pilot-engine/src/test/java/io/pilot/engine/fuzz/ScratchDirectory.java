package io.pilot.engine.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A private temporary directory for targets that decode files; in memory (/dev/shm) where there is one. */
final class ScratchDirectory {

    private static final Path SHARED_MEMORY = Path.of("/dev/shm");

    private ScratchDirectory() {
    }

    static Path create(String prefix) throws IOException {
        return Files.isDirectory(SHARED_MEMORY) && Files.isWritable(SHARED_MEMORY)
                ? Files.createTempDirectory(SHARED_MEMORY, prefix)
                : Files.createTempDirectory(prefix);
    }

    /** Deletes what is inside, keeping the directory. */
    static void clear(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path path : files.toList()) {
                delete(path);
            }
        }
    }

    static void delete(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path each : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        }
    }
}
