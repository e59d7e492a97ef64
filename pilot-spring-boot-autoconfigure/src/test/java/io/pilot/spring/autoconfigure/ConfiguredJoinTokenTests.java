package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pilot.backbone.join-token[-file]}: the token or a file holding it; each refusal named, none quoting the token. */
class ConfiguredJoinTokenTests {

    private static final String TOKEN = "realm-join-s3cret";

    @TempDir
    Path dir;

    private static PilotProperties.Backbone properties(String token, Path file) {
        PilotProperties.Backbone properties = new PilotProperties.Backbone();
        properties.setJoinToken(token);
        properties.setJoinTokenFile(file);
        return properties;
    }

    @Test
    void noTokenUnlessOneIsSet() {
        assertThat(ConfiguredJoinToken.from(properties(null, null))).isNull();
        assertThat(ConfiguredJoinToken.from(properties("", null))).as("an empty PILOT_BACKBONE_JOIN_TOKEN").isNull();
    }

    @Test
    void theTokenIsTheValueOrTheFilesLineWithoutItsLineBreak() throws Exception {
        assertThat(ConfiguredJoinToken.from(properties(TOKEN, null))).isEqualTo(TOKEN);
        assertThat(ConfiguredJoinToken.from(properties(null, Files.writeString(dir.resolve("a"), TOKEN + "\n"))))
                .isEqualTo(TOKEN);
        assertThat(ConfiguredJoinToken.from(properties(null, Files.writeString(dir.resolve("b"), TOKEN + "\r\n"))))
                .isEqualTo(TOKEN);
        assertThat(ConfiguredJoinToken.from(properties(null, Files.writeString(dir.resolve("c"), TOKEN))))
                .as("a Kubernetes secret's file has no line break").isEqualTo(TOKEN);
    }

    @Test
    void bothSetIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), TOKEN);
        assertThatThrownBy(() -> ConfiguredJoinToken.from(properties(TOKEN, file)))
                .isInstanceOfSatisfying(PilotConfigurationException.class, e -> {
                    assertThat(e.property()).isEqualTo("pilot.backbone");
                    assertThat(e.getMessage()).isEqualTo("pilot.backbone: both join-token and join-token-file are set");
                    assertThat(e.action()).contains("pilot.backbone.join-token", "pilot.backbone.join-token-file", "not both");
                });
    }

    @Test
    void aFileThatCannotGiveATokenIsRefusedNamingTheFileAndTheProblem() throws Exception {
        Path missing = dir.resolve("missing");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Path twoLines = Files.writeString(dir.resolve("two-lines"), TOKEN + "\nsecond\n");
        Path directory = Files.createDirectory(dir.resolve("a-directory"));
        Path binary = Files.write(dir.resolve("binary"), new byte[] { (byte) 0xff, (byte) 0xfe, 'x' });
        Path huge = Files.writeString(dir.resolve("huge"), "x".repeat(5000));
        assertFileRefused(missing, missing + " does not exist");
        assertFileRefused(empty, empty + " is empty");
        assertFileRefused(twoLines, twoLines + " holds more than one line; put only the token in it");
        assertFileRefused(directory, directory + " is a directory");
        assertFileRefused(binary, binary + " is not UTF-8 text");
        assertFileRefused(huge, huge + " holds more than 4096 bytes; put only the token in it");
    }

    @Test
    void aTokenTheBackboneCouldNotTakeIsRefusedWithoutQuotingIt() throws Exception {
        String tooLong = "k".repeat(256);
        assertThatThrownBy(() -> ConfiguredJoinToken.from(properties(tooLong, null)))
                .isInstanceOf(PilotConfigurationException.class)
                .hasMessage("pilot.backbone.join-token: a join token is at most 255 bytes of UTF-8; this one has 256");
        Path file = Files.writeString(dir.resolve("long"), tooLong);
        assertThatThrownBy(() -> ConfiguredJoinToken.from(properties(null, file)))
                .hasMessage("pilot.backbone.join-token-file (" + file + "): a join token is at most 255 bytes of UTF-8;"
                        + " this one has 256");
    }

    private static void assertFileRefused(Path file, String problem) {
        assertThatThrownBy(() -> ConfiguredJoinToken.from(properties(null, file)))
                .isInstanceOfSatisfying(PilotConfigurationException.class, e -> {
                    assertThat(e.property()).isEqualTo("pilot.backbone.join-token-file");
                    assertThat(e.getMessage()).isEqualTo("pilot.backbone.join-token-file: " + problem);
                    assertThat(e.action()).contains("readable file whose first line is the realm's join token");
                });
    }
}
