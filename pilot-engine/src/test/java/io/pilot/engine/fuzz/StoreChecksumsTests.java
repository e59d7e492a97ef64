package io.pilot.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.store.JournaledStore;
import io.pilot.engine.store.StoreOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The resealing the store targets use: it leaves a good file alone and makes a damaged one's checksums match. */
class StoreChecksumsTests {

    private static final String JOURNAL = "io.pilot.engine.fuzz.StoreFileFuzzTests#journal";
    private static final String SNAPSHOT = "io.pilot.engine.fuzz.StoreFileFuzzTests#snapshot";

    @Test
    void aGoodFileIsLeftAsItIs() throws IOException {
        byte[] journal = SeedCorpus.seeds().get(JOURNAL).get(0);
        byte[] snapshot = SeedCorpus.seeds().get(SNAPSHOT).get(0);

        assertThat(StoreChecksums.reseal(journal, false)).isEqualTo(journal);
        assertThat(StoreChecksums.reseal(snapshot, true)).isEqualTo(snapshot);
    }

    @Test
    void aChangedValueIsReadAfterResealing() throws IOException {
        byte[] snapshot = SeedCorpus.seeds().get(SNAPSHOT).get(0).clone();
        // The last byte of the last entry's value, just before the 8-byte trailer.
        snapshot[snapshot.length - 9] ^= 0x01;

        assertThat(valuesAfterOpening("snapshot", snapshot)).isNull();
        assertThat(valuesAfterOpening("snapshot", StoreChecksums.reseal(snapshot, true))).isNotNull().isNotEmpty();
    }

    /** The store's entries after opening over the snapshot, or null if it refused the file as corrupt. */
    private static List<byte[]> valuesAfterOpening(String name, byte[] file) throws IOException {
        Path directory = ScratchDirectory.create("pilot-reseal");
        try {
            Files.write(directory.resolve(name), file);
            Files.write(directory.resolve("journal"), StoreChecksums.emptyJournalFor(file));
            try (JournaledStore store = JournaledStore.open(directory, StoreOptions.defaults().withSyncEveryWrite(true))) {
                return store.entries("groups").values().stream().toList();
            } catch (IOException e) {
                return null;
            }
        } finally {
            ScratchDirectory.delete(directory);
        }
    }
}
