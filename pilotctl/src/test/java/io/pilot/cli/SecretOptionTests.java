package io.pilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a token may come from, and what is refused (with the option named) instead of sent to a node. */
class SecretOptionTests {

    private static final SecretOption TOKEN = SecretOption.GROUP_TOKEN;

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private String read(String value, Path file, Map<String, String> environment, String stdin) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return TOKEN.read(value, file, environment, in, warnings::add);
    }

    @Test
    void aFileGivesItsFirstLineWithoutItsLineBreak() throws IOException {
        assertThat(read(null, Files.writeString(dir.resolve("t"), "open sesame\n"), Map.of(), "")).isEqualTo("open sesame");
        assertThat(read(null, Files.writeString(dir.resolve("crlf"), "s3cret\r\n"), Map.of(), "")).isEqualTo("s3cret");
        assertThat(read(null, Files.writeString(dir.resolve("bare"), "s3cret"), Map.of(), "")).isEqualTo("s3cret");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aDashReadsStandardInput() {
        assertThat(read("-", null, Map.of(), "from-a-pipe\n")).isEqualTo("from-a-pipe");
        assertThatThrownBy(() -> read("-", null, Map.of(), "")).hasMessage("--token - (standard input) is empty");
        assertThat(warnings).isEmpty();
    }

    @Test
    void theEnvironmentIsUsedOnlyWithoutAnOption() throws IOException {
        Map<String, String> environment = Map.of("PILOT_GROUP_TOKEN", "from-env");

        assertThat(read(null, null, environment, "")).isEqualTo("from-env");
        assertThat(read(null, Files.writeString(dir.resolve("t"), "from-file"), environment, "")).isEqualTo("from-file");
        assertThat(read(null, null, Map.of("PILOT_GROUP_TOKEN", ""), "")).isNull();
        assertThat(read(null, null, Map.of(), "")).isNull();
    }

    @Test
    void aValueOnTheCommandLineIsTakenWithAWarning() {
        assertThat(read("on-argv", null, Map.of(), "")).isEqualTo("on-argv");
        assertThat(warnings).singleElement().asString().contains("visible to every user of this machine (ps)")
                .contains("--token-file PATH").contains("PILOT_GROUP_TOKEN").contains("--token -");
    }

    @Test
    void badInputIsRefusedNamingTheOptionAndTheFile() throws IOException {
        Path missing = dir.resolve("missing");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Path twoLines = Files.writeString(dir.resolve("two"), "a\nb\n");
        Path large = Files.write(dir.resolve("large"), new byte[SecretOption.MAX_BYTES + 1]);
        Path notUtf8 = Files.write(dir.resolve("latin1"), new byte[] {(byte) 0xE9, 't', 'e'});
        Path file = Files.writeString(dir.resolve("t"), "x");

        assertThatThrownBy(() -> read(null, missing, Map.of(), "")).hasMessage("cannot read --token-file " + missing + ": no such file");
        assertThatThrownBy(() -> read(null, dir, Map.of(), "")).hasMessage("cannot read --token-file " + dir + ": it is a directory");
        assertThatThrownBy(() -> read(null, empty, Map.of(), "")).hasMessage("--token-file " + empty + " is empty");
        assertThatThrownBy(() -> read(null, twoLines, Map.of(), "")).hasMessageContaining("holds more than one line");
        assertThatThrownBy(() -> read(null, large, Map.of(), "")).hasMessageContaining("holds more than 4096 bytes");
        assertThatThrownBy(() -> read(null, notUtf8, Map.of(), "")).hasMessageContaining("is not UTF-8 text");
        assertThatThrownBy(() -> read("x", file, Map.of(), "")).hasMessage("give --token or --token-file, not both");
        assertThatThrownBy(() -> read("", null, Map.of(), "")).hasMessage("--token is empty");
        assertThat(warnings).isEmpty();
    }
}
