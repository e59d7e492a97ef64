package io.pilot.engine.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh directory directly under /tmp, deleted after each test. JUnit's @TempDir may sit too deep: a Unix
 * socket path must fit in 108 bytes.
 */
final class ShortTempDir implements AfterEachCallback {

    private Path dir;

    Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory(Path.of("/tmp"), "pc");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
        dir = null;
    }
}
