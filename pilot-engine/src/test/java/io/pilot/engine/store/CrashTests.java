package io.pilot.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class CrashTests {

    @TempDir
    Path dir;

    @TempDir
    Path logs;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void everyAcknowledgedWriteSurvivesRepeatedKills() throws Exception {
        Path store = dir.resolve("store");
        Path stderr = logs.resolve("writer.err");
        Set<String> acknowledged = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            int acknowledgedThisRound = 0;
            Process writer = ChildJvm.start(CrashingWriter.class, stderr, store.toString());
            try (BufferedReader out = writer.inputReader()) {
                String line;
                while (acknowledgedThisRound < 300 + 100 * round && (line = out.readLine()) != null) {
                    acknowledged.add(line);
                    acknowledgedThisRound++;
                }
                writer.destroyForcibly();
            }
            writer.waitFor();
            assertThat(acknowledgedThisRound).as("keys acknowledged before the kill; child stderr: %s", Files.readString(stderr))
                    .isEqualTo(300 + 100 * round);

            try (JournaledStore reopened = JournaledStore.open(store, StoreOptions.defaults())) {
                for (String key : acknowledged) {
                    int i = Integer.parseInt(key.substring("key-".length()));
                    assertThat(reopened.get("acknowledged", key)).as(key).isEqualTo(CrashingWriter.value(i));
                }
                assertThat(reopened.get("hot", "rewritten")).hasSize(1024);
            }
        }
    }
}
