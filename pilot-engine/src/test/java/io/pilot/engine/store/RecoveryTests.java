package io.pilot.engine.store;

import static io.pilot.engine.store.JournaledStoreTests.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTests {

    private static final String[] NAMESPACES = {"nodes", "groups"};

    @TempDir
    Path dir;

    private StoreFiles files;
    /** Offsets of the journal's entries, and the journal's end as the last one. */
    private final List<Long> entryOffsets = new ArrayList<>();
    private Map<String, Map<String, String>> stateBeforeLastEntry;

    /** A snapshot, then a journal of a few entries, the last of which the tests tear or damage. */
    @BeforeEach
    void writeStore() throws IOException {
        files = new StoreFiles(dir);
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            store.put("nodes", "compacted", bytes("in the snapshot"));
            store.compact();
            entryOffsets.add(Files.size(files.journal()));
            for (int i = 0; i < 5; i++) {
                store.put("nodes", "node-" + i, bytes("signed record number " + i));
                entryOffsets.add(Files.size(files.journal()));
            }
            store.remove("nodes", "node-0");
            entryOffsets.add(Files.size(files.journal()));
            store.put("groups", "ops", bytes("group definition"));
            entryOffsets.add(Files.size(files.journal()));
            stateBeforeLastEntry = StoreContents.of(store, NAMESPACES);
            store.put("nodes", "last", bytes("the entry a crash tears"));
            entryOffsets.add(Files.size(files.journal()));
        }
    }

    @Test
    void aLastEntryCutOffAtAnyByteIsDiscardedAndKeptInACopy() throws IOException {
        byte[] journal = Files.readAllBytes(files.journal());
        long lastEntry = entryOffsets.get(entryOffsets.size() - 2);
        for (int cut = (int) lastEntry + 1; cut < journal.length; cut++) {
            byte[] torn = Arrays.copyOf(journal, cut);
            Files.write(files.journal(), torn);
            try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
                assertThat(StoreContents.of(store, NAMESPACES)).as("cut at %d", cut).isEqualTo(stateBeforeLastEntry);
            }
            assertThat(Files.size(files.journal())).isEqualTo(lastEntry);
            List<Path> copies = tornCopies();
            assertThat(copies).hasSize(1);
            assertThat(Files.readAllBytes(copies.get(0))).isEqualTo(torn);
            Files.delete(copies.get(0));
        }
    }

    @Test
    void aLastEntryWithABadChecksumIsDiscardedAndTheStoreStaysWritable() throws IOException {
        byte[] journal = Files.readAllBytes(files.journal());
        journal[journal.length - 3] ^= 0x20;
        Files.write(files.journal(), journal);
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(StoreContents.of(store, NAMESPACES)).isEqualTo(stateBeforeLastEntry);
            store.put("nodes", "last", bytes("written again"));
        }
        assertThat(tornCopies()).hasSize(1);
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(store.get("nodes", "last")).isEqualTo(bytes("written again"));
        }
        assertThat(tornCopies()).hasSize(1);
    }

    @Test
    void zerosAfterTheLastEntryAreATornTail() throws IOException {
        Files.write(files.journal(), new byte[4096], StandardOpenOption.APPEND);
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(store.get("nodes", "last")).isEqualTo(bytes("the entry a crash tears"));
        }
        assertThat(Files.size(files.journal())).isEqualTo(entryOffsets.get(entryOffsets.size() - 1));
        assertThat(tornCopies()).hasSize(1);
    }

    @Test
    void aDamagedEntryInTheMiddleStopsTheOpenAndChangesNoFile() throws IOException {
        long second = entryOffsets.get(1);
        byte[] journal = Files.readAllBytes(files.journal());
        journal[(int) second + 20] ^= 0x01;
        Files.write(files.journal(), journal);
        Map<String, byte[]> before = filesInDirectory();

        assertCorrupted(files.journal(), second, "checksum does not match", "yet a valid entry follows at offset "
                + entryOffsets.get(2));
        assertThat(filesInDirectory()).usingRecursiveComparison().isEqualTo(before);
        assertCorrupted(files.journal(), second, "checksum does not match");
    }

    @Test
    void aDamagedLengthInTheMiddleIsNotMistakenForATornTail() throws IOException {
        long third = entryOffsets.get(2);
        byte[] journal = Files.readAllBytes(files.journal());
        ByteBuffer.wrap(journal).putInt((int) third, 60_000);
        Files.write(files.journal(), journal);
        Map<String, byte[]> before = filesInDirectory();

        assertCorrupted(files.journal(), third, "cut off after", "yet a valid entry follows");
        assertThat(filesInDirectory()).usingRecursiveComparison().isEqualTo(before);
    }

    @Test
    void aJournalWithABadMagicOrAnUnknownVersionIsRefused() throws IOException {
        byte[] journal = Files.readAllBytes(files.journal());
        byte[] badMagic = journal.clone();
        badMagic[0] = 'X';
        Files.write(files.journal(), badMagic);
        assertCorrupted(files.journal(), 0, "bad magic 0x584a4e4c, expected 0x504a4e4c (\"PJNL\", a Pilot store journal)");

        byte[] newerVersion = journal.clone();
        newerVersion[FileHeader.VERSION_OFFSET + 1] = 2;
        Files.write(files.journal(), newerVersion);
        Map<String, byte[]> before = filesInDirectory();
        assertCorrupted(files.journal(), FileHeader.VERSION_OFFSET, "unknown format version 2; this build reads version 1");
        assertThat(filesInDirectory()).usingRecursiveComparison().isEqualTo(before);
    }

    @Test
    void aDamagedSnapshotIsRefused() throws IOException {
        byte[] snapshot = Files.readAllBytes(files.snapshot());
        byte[] damagedEntry = snapshot.clone();
        damagedEntry[FileHeader.SIZE + 12] ^= 0x04;
        Files.write(files.snapshot(), damagedEntry);
        Map<String, byte[]> before = filesInDirectory();
        assertCorrupted(files.snapshot(), FileHeader.SIZE, "checksum does not match");
        assertThat(filesInDirectory()).usingRecursiveComparison().isEqualTo(before);

        byte[] damagedTrailer = snapshot.clone();
        damagedTrailer[snapshot.length - 1] ^= 0x04;
        Files.write(files.snapshot(), damagedTrailer);
        assertCorrupted(files.snapshot(), snapshot.length - 4, "the file's CRC32C checksum does not match");

        Files.write(files.snapshot(), Arrays.copyOf(snapshot, snapshot.length - 1));
        assertCorrupted(files.snapshot(), FileHeader.SIZE, "cut off");

        byte[] badMagic = snapshot.clone();
        badMagic[3] = 'X';
        Files.write(files.snapshot(), badMagic);
        assertCorrupted(files.snapshot(), 0, "bad magic");
    }

    @Test
    void filesThatDoNotBelongTogetherAreRefused() throws IOException {
        Path journal = files.journal();
        byte[] original = Files.readAllBytes(journal);
        Files.delete(journal);
        assertCorrupted(journal, 0, "the journal is missing, yet snapshot generation 1 exists");

        Journal.writeEmpty(journal, 7);
        assertCorrupted(journal, FileHeader.GENERATION_OFFSET, "the journal continues generation 7, but the snapshot is generation 1");

        Files.write(journal, original);
        Files.delete(files.snapshot());
        assertCorrupted(journal, FileHeader.GENERATION_OFFSET, "the journal continues generation 1, but there is no snapshot");
    }

    private void assertCorrupted(Path file, long offset, String... problems) {
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatExceptionOfType(StoreCorruptedException.class)
                    .isThrownBy(() -> JournaledStore.open(dir, StoreOptions.defaults()))
                    .withMessageContaining(file + " is corrupted at byte offset " + offset + ": ")
                    .withMessageContaining("the store files were left untouched")
                    .satisfies(e -> {
                        assertThat(e.file()).isEqualTo(file);
                        assertThat(e.offset()).isEqualTo(offset);
                        for (String problem : problems) {
                            assertThat(e).hasMessageContaining(problem);
                        }
                    });
        }
    }

    private List<Path> tornCopies() throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(path -> path.getFileName().toString().startsWith("journal.torn-")).toList();
        }
    }

    private Map<String, byte[]> filesInDirectory() throws IOException {
        Map<String, byte[]> contents = new TreeMap<>();
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path file : listing.toList()) {
                contents.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return contents;
    }
}
