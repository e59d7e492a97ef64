package io.pilot.engine.store;

import static io.pilot.engine.store.JournaledStoreTests.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompactionTests {

    private static final String[] NAMESPACES = {"nodes", "groups"};

    @TempDir
    Path dir;

    private StoreFiles files;

    @Test
    void compactOnDemandKeepsTheStateAndStartsAnEmptyJournal() throws IOException {
        files = new StoreFiles(dir);
        Map<String, Map<String, String>> expected;
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            fill(store);
            store.compact();
            assertThat(Files.size(files.journal())).isEqualTo(FileHeader.SIZE);
            assertThat(generations()).containsExactly(1L, 1L);
            store.put("nodes", "after", bytes("written after the compaction"));
            store.remove("nodes", "node-1");
            expected = StoreContents.of(store, NAMESPACES);
        }
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(StoreContents.of(store, NAMESPACES)).isEqualTo(expected);
            store.compact();
        }
        assertThat(generations()).containsExactly(2L, 2L);
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(StoreContents.of(store, NAMESPACES)).isEqualTo(expected);
        }
    }

    @Test
    void theJournalIsCompactedOnceItOutgrowsTheLiveData() throws IOException {
        files = new StoreFiles(dir);
        StoreOptions options = StoreOptions.defaults().withCompaction(4096, 4);
        try (JournaledStore store = JournaledStore.open(dir, options)) {
            for (int i = 0; i < 1_000; i++) {
                store.put("nodes", "the only key", bytes("version %04d of a record that is rewritten over and over".formatted(i)));
                assertThat(Files.size(files.journal())).isLessThan(FileHeader.SIZE + 4096 + 100);
            }
        }
        assertThat(generations().get(0)).isGreaterThan(1L);
        try (JournaledStore store = JournaledStore.open(dir, options)) {
            assertThat(store.size()).isEqualTo(1);
            assertThat(store.get("nodes", "the only key")).isEqualTo(bytes("version 0999 of a record that is rewritten over and over"));
        }
    }

    @ParameterizedTest
    @EnumSource(CompactionHook.Step.class)
    void aCrashAtAnyStepOfACompactionRecoversTheSameState(CompactionHook.Step crashAt) throws IOException {
        files = new StoreFiles(dir);
        Map<String, Map<String, String>> expected;
        JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults());
        fill(store);
        store.compact();
        store.put("nodes", "after the first compaction", bytes("so that the crashed one has a journal to fold in"));
        store.remove("groups", "group-2");
        expected = StoreContents.of(store, NAMESPACES);
        store.compactionHook(crashingAt(crashAt));
        assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(store::compact)
                .withMessageContaining("compaction of " + dir + " failed")
                .withRootCauseInstanceOf(SimulatedCrash.class);
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> store.put("nodes", "x", new byte[1]))
                .withMessageContaining("accepts no more writes after an I/O failure; reopen it");
        assertThat(StoreContents.of(store, NAMESPACES)).isEqualTo(expected);
        store.close();

        try (JournaledStore reopened = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(StoreContents.of(reopened, NAMESPACES)).isEqualTo(expected);
            assertThat(files.snapshotTemp()).doesNotExist();
            assertThat(files.journalTemp()).doesNotExist();
            long expectedGeneration = crashAt == CompactionHook.Step.SNAPSHOT_SYNCED ? 1 : 2;
            assertThat(generations()).containsExactly(expectedGeneration, expectedGeneration);
            reopened.put("nodes", "after the crash", bytes("still writable"));
            reopened.compact();
        }
        try (JournaledStore reopened = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(reopened.get("nodes", "after the crash")).isEqualTo(bytes("still writable"));
            assertThat(reopened.size()).isEqualTo(expected.values().stream().mapToInt(Map::size).sum() + 1);
        }
    }

    @Test
    void halfWrittenTemporaryFilesFromACrashAreDeleted() throws IOException {
        files = new StoreFiles(dir);
        Map<String, Map<String, String>> expected;
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            fill(store);
            expected = StoreContents.of(store, NAMESPACES);
        }
        Files.write(files.snapshotTemp(), new byte[] {'P', 'S', 'N'});
        Files.write(files.journalTemp(), new byte[0]);
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(StoreContents.of(store, NAMESPACES)).isEqualTo(expected);
        }
        assertThat(files.snapshotTemp()).doesNotExist();
        assertThat(files.journalTemp()).doesNotExist();
    }

    @Test
    void aFailedAutomaticCompactionKeepsTheWriteThatTriggeredItAndStopsLaterWrites() throws IOException {
        files = new StoreFiles(dir);
        JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults().withCompaction(1024, 1));
        store.compactionHook(crashingAt(CompactionHook.Step.SNAPSHOT_RENAMED));
        int writes = 0;
        while (writes < 1_000 && Files.notExists(files.snapshot())) {
            store.put("nodes", "key " + writes % 3, bytes("rewrite " + writes));
            writes++;
        }
        assertThat(files.snapshot()).exists();
        int last = writes - 1;
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> store.put("nodes", "late", new byte[1]))
                .withRootCauseInstanceOf(SimulatedCrash.class);
        store.close();
        try (JournaledStore reopened = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(reopened.size()).isEqualTo(3);
            assertThat(reopened.get("nodes", "key " + last % 3)).isEqualTo(bytes("rewrite " + last));
            assertThat(reopened.get("nodes", "late")).isNull();
        }
    }

    private static void fill(JournaledStore store) {
        for (int i = 0; i < 200; i++) {
            store.put("nodes", "node-" + i, bytes("signed record " + i));
        }
        for (int i = 0; i < 200; i += 2) {
            store.put("nodes", "node-" + i, bytes("renewed record " + i));
        }
        for (int i = 0; i < 5; i++) {
            store.put("groups", "group-" + i, bytes("members of " + i));
        }
        store.remove("nodes", "node-7");
    }

    /** Snapshot generation (0 without one), then journal generation. */
    private List<Long> generations() throws IOException {
        long snapshot = Files.exists(files.snapshot()) ? SnapshotReader.load(files.snapshot(), new LiveState()) : 0;
        try (JournalReader journal = JournalReader.open(files.journal())) {
            return List.of(snapshot, journal.generation());
        }
    }

    private static CompactionHook crashingAt(CompactionHook.Step crashAt) {
        return step -> {
            if (step == crashAt) {
                throw new SimulatedCrash(step);
            }
        };
    }

    /** Stands for the process dying at a step: nothing after it runs. */
    private static final class SimulatedCrash extends IOException {
        SimulatedCrash(CompactionHook.Step step) {
            super("simulated crash after " + step);
        }
    }
}
