package io.pilot.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.pilot.engine.store.JournaledStore;
import io.pilot.engine.store.StoreCorruptedException;
import io.pilot.engine.store.StoreOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * A backbone's store directory after a crash, a bad disk or a hand edit: {@link JournaledStore#open} over a
 * fuzzed {@code journal}, or a fuzzed {@code snapshot} beside an empty journal of its generation, recovers a store (which then takes a write and reopens with it)
 * or throws {@link StoreCorruptedException}. The {@code Resealed} targets fix the checksums first
 * ({@link StoreChecksums}), so that mutations reach the entry decoder behind them.
 */
@Timeout(10)
class StoreFileFuzzTests {

    /** Every write synced at once: no background syncer thread per open store. */
    private static final StoreOptions OPTIONS = StoreOptions.defaults().withSyncEveryWrite(true);

    private static Path directory;

    @BeforeAll
    static void createDirectory() throws IOException {
        directory = ScratchDirectory.create("pilot-store-fuzz");
    }

    @AfterAll
    static void deleteDirectory() throws IOException {
        ScratchDirectory.delete(directory);
    }

    @FuzzTest
    void journal(byte[] bytes) throws IOException {
        recover("journal", bytes);
    }

    @FuzzTest
    void snapshot(byte[] bytes) throws IOException {
        recover("snapshot", bytes);
    }

    /** The same with every checksum made to match: what the entry decoder does with well-framed nonsense. */
    @FuzzTest
    void journalResealed(byte[] bytes) throws IOException {
        recover("journal", StoreChecksums.reseal(bytes, false));
    }

    @FuzzTest
    void snapshotResealed(byte[] bytes) throws IOException {
        recover("snapshot", StoreChecksums.reseal(bytes, true));
    }

    private static void recover(String fileName, byte[] bytes) throws IOException {
        ScratchDirectory.clear(directory);
        Files.write(directory.resolve(fileName), bytes);
        if (fileName.equals("snapshot")) {
            Files.write(directory.resolve("journal"), StoreChecksums.emptyJournalFor(bytes));
        }
        int size;
        try (JournaledStore store = JournaledStore.open(directory, OPTIONS)) {
            size = store.size();
            store.put("fuzz", "key", new byte[] {1});
        } catch (StoreCorruptedException e) {
            return;
        }
        try (JournaledStore reopened = JournaledStore.open(directory, OPTIONS)) {
            assertThat(reopened.get("fuzz", "key")).containsExactly(1);
            assertThat(reopened.size()).isBetween(size, size + 1);
        }
    }
}
