package io.pilot.engine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.pilot.engine.identity.IdentityException;
import io.pilot.engine.identity.IdentityStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * An identity file as it may be found on disk (damaged, truncated, edited by hand):
 * {@link IdentityStore#load} returns the identity or throws {@link IdentityException}.
 */
@Timeout(10)
class IdentityFileFuzzTests {

    private static Path directory;
    private static Path file;

    @BeforeAll
    static void createDirectory() throws IOException {
        directory = ScratchDirectory.create("pilot-identity-fuzz");
        file = directory.resolve("identity");
    }

    @AfterAll
    static void deleteDirectory() throws IOException {
        ScratchDirectory.delete(directory);
    }

    @FuzzTest
    void identityFile(byte[] bytes) throws IOException {
        Files.write(file, bytes);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try {
            IdentityStore.load(file);
        } catch (IdentityException e) {
            // the documented refusal
        }
    }
}
