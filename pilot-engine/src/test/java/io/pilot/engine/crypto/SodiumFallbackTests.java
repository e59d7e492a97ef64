package io.pilot.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pilot.engine.store.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which implementation computes the curves in a real process, as {@value Sodium#LIBRARY_PROPERTY} and the system
 * decide: libsodium where it loads, Bouncy Castle where the library is absent or turned off, the same RFC 7748 and
 * RFC 8032 answers from both ({@link CurveSelfCheck} in a JVM of its own, since the choice is made once per process).
 */
class SodiumFallbackTests {

    @TempDir
    Path dir;

    @Test
    void anAbsentLibraryIsNotLoaded() {
        assertThat(Sodium.load("pilot-no-such-library")).isNull();
        assertThat(Sodium.load("none")).isNull();
        assertThat(Sodium.load("")).isNull();
    }

    @Test
    void withoutTheLibraryBouncyCastleComputesTheSameAnswers() throws Exception {
        assertThat(selfCheck("pilot-no-such-library")).isEqualTo("Bouncy Castle (pure Java)\nok\n");
        assertThat(selfCheck("none")).isEqualTo("Bouncy Castle (pure Java)\nok\n");
    }

    @Test
    void withTheLibraryLibsodiumComputesThem() throws Exception {
        assumeTrue(Sodium.load("sodium") != null, "libsodium is not installed (Debian package libsodium23)");
        assertThat(selfCheck("sodium")).startsWith("libsodium ").contains("(native, JNA)").endsWith("\nok\n");
    }

    private String selfCheck(String library) throws IOException, InterruptedException {
        Process process = ChildJvm.start(CurveSelfCheck.class, dir.resolve("stderr.txt"), library);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the self-check ended").isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(out + Files.readString(dir.resolve("stderr.txt"))).isZero();
        return out;
    }
}
