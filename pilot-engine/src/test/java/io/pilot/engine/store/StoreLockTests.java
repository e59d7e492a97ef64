package io.pilot.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class StoreLockTests {

    @TempDir
    Path dir;

    @TempDir
    Path logs;

    @Test
    void aSecondOpenInThisProcessFailsUntilTheFirstIsClosed() throws IOException {
        JournaledStore first = JournaledStore.open(dir, StoreOptions.defaults());
        first.put("ns", "k", new byte[] {1});
        assertThatExceptionOfType(StoreLockedException.class)
                .isThrownBy(() -> JournaledStore.open(dir, StoreOptions.defaults()))
                .withMessageContaining("store directory " + dir + " is in use: the lock on " + dir.resolve("store.lock"))
                .withMessageContaining("held by this process (pid " + ProcessHandle.current().pid() + ")")
                .satisfies(e -> assertThat(e.lockFile()).isEqualTo(dir.resolve("store.lock")));
        first.put("ns", "k2", new byte[] {2});
        first.close();
        try (JournaledStore second = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(second.size()).isEqualTo(2);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anOpenInAnotherProcessNamesThatProcess() throws Exception {
        Process holder = ChildJvm.start(LockHolder.class, logs.resolve("holder.err"), dir.toString());
        try (BufferedReader out = holder.inputReader()) {
            assertThat(out.readLine()).as("child stderr: %s", Files.readString(logs.resolve("holder.err")))
                    .isEqualTo("open, 0 keys");
            assertThatExceptionOfType(StoreLockedException.class)
                    .isThrownBy(() -> JournaledStore.open(dir, StoreOptions.defaults()))
                    .withMessageContaining(dir.resolve("store.lock") + " is held by process " + holder.pid());
            holder.getOutputStream().close();
            assertThat(holder.waitFor()).isZero();
        } finally {
            holder.destroyForcibly();
        }
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(store.size()).isZero();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aRefusedSecondOpenInThisProcessDoesNotReleaseTheFirstOnesLock() throws Exception {
        try (JournaledStore first = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThatExceptionOfType(StoreLockedException.class).isThrownBy(() -> JournaledStore.open(dir, StoreOptions.defaults()));
            Path stderr = logs.resolve("holder.err");
            Process holder = ChildJvm.start(LockHolder.class, stderr, dir.toString());
            holder.getOutputStream().close();
            assertThat(holder.waitFor()).isNotZero();
            assertThat(Files.readString(stderr)).contains(StoreLockedException.class.getName())
                    .contains("is held by process " + ProcessHandle.current().pid());
            first.put("ns", "k", new byte[1]);
        }
    }

    @Test
    void aDirectoryThatIsNotWritableIsRefused() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root may write anywhere");
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertThatExceptionOfType(AccessDeniedException.class)
                    .isThrownBy(() -> JournaledStore.open(readOnly, StoreOptions.defaults()))
                    .withMessageContaining(readOnly + ": the store directory is not writable by this process");
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
