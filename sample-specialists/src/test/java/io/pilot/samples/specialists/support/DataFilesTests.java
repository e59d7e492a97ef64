package io.pilot.samples.specialists.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DataFilesTests {

    record Entry(String name, int size) {
    }

    @Test
    void readsJsonIntoRecords() {
        assertThat(DataFiles.readJson("support/entries.json", Entry[].class)).containsExactly(new Entry("a", 1), new Entry("b", 2));
    }

    @Test
    void aFieldTheRecordDoesNotHaveIsAnErrorInTheDataFile() {
        assertThatThrownBy(() -> DataFiles.readJson("support/misspelt.json", Entry[].class)).isInstanceOf(DataException.class)
                .hasMessageStartingWith("support/misspelt.json: not valid JSON for Entry[]: ")
                .hasMessageContaining("sise");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> DataFiles.readXml("support/nowhere.xml")).isInstanceOf(DataException.class)
                .hasMessage("support/nowhere.xml: not found on the class path");
    }
}
