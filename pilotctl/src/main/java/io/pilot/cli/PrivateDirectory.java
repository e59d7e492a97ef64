package io.pilot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The run directory holds sockets, logs and pid files: only its user may enter it. */
final class PrivateDirectory {

    private PrivateDirectory() {
    }

    /** Creates {@code directory} (and missing parents) with mode 0700 if it does not exist; returns it. */
    static Path create(Path directory) throws IOException {
        return Files.createDirectories(directory,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
