package io.pilot.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournaledStoreTests {

    @TempDir
    Path dir;

    @Test
    void putGetRemoveAndEntriesKeepNamespacesApart() throws IOException {
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            store.put("nodes", "a", bytes("node a"));
            store.put("hostnames", "a", bytes("hostname a"));
            store.put("nodes", "b", bytes("node b"));
            store.put("nodes", "a", bytes("node a, again"));

            assertThat(store.get("nodes", "a")).isEqualTo(bytes("node a, again"));
            assertThat(store.get("hostnames", "a")).isEqualTo(bytes("hostname a"));
            assertThat(store.get("groups", "a")).isNull();
            assertThat(store.size()).isEqualTo(3);
            assertThat(store.entries("nodes")).containsOnlyKeys("a", "b");
            assertThat(store.entries("groups")).isEmpty();

            assertThat(store.remove("nodes", "a")).isTrue();
            assertThat(store.remove("nodes", "a")).isFalse();
            assertThat(store.remove("groups", "a")).isFalse();
            assertThat(store.get("nodes", "a")).isNull();
            assertThat(store.get("hostnames", "a")).isEqualTo(bytes("hostname a"));
            assertThat(store.size()).isEqualTo(2);
        }
    }

    @Test
    void reopeningGivesTheSameState() throws IOException {
        Map<String, Map<String, String>> before;
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            for (int i = 0; i < 50; i++) {
                store.put("nodes", "node-" + i, bytes("record " + i));
                store.put("groups", "group-" + (i % 7), bytes("members " + i));
            }
            for (int i = 0; i < 50; i += 3) {
                store.remove("nodes", "node-" + i);
            }
            store.put("hostnames", "ünïcödé.example", new byte[0]);
            before = StoreContents.of(store, "nodes", "groups", "hostnames");
        }
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(StoreContents.of(store, "nodes", "groups", "hostnames")).isEqualTo(before);
            assertThat(store.size()).isEqualTo(50 - 17 + 7 + 1);
            assertThat(new ArrayList<>(store.entries("nodes").keySet())).isSorted();
        }
    }

    @Test
    void aHundredThousandPutsSurviveReopen() throws IOException {
        StoreOptions fast = StoreOptions.defaults().withSyncEveryWrite(false);
        try (JournaledStore store = JournaledStore.open(dir, fast)) {
            for (int i = 0; i < 100_000; i++) {
                store.put("ns" + (i % 10), "key-" + i, bytes("value-" + i));
            }
        }
        try (JournaledStore store = JournaledStore.open(dir, fast)) {
            assertThat(store.size()).isEqualTo(100_000);
            for (int i = 0; i < 100_000; i++) {
                assertThat(store.get("ns" + (i % 10), "key-" + i)).isEqualTo(bytes("value-" + i));
            }
        }
    }

    @Test
    void valuesAreCopiedInAndOut() throws IOException {
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            byte[] value = bytes("original");
            store.put("ns", "k", value);
            value[0] = 'X';
            store.get("ns", "k")[0] = 'Y';
            store.entries("ns").get("k")[0] = 'Z';
            assertThat(store.get("ns", "k")).isEqualTo(bytes("original"));
            assertThatExceptionOfType(UnsupportedOperationException.class)
                    .isThrownBy(() -> store.entries("ns").put("other", new byte[0]));
        }
    }

    @Test
    void refusesValuesOverOneMebibyteAndKeepsWorking() throws IOException {
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            store.put("ns", "largest", new byte[JournaledStore.MAX_VALUE_BYTES]);
            assertThatIllegalArgumentException().isThrownBy(() -> store.put("ns", "too large", new byte[(1 << 20) + 1]))
                    .withMessageContaining("ns/too large is 1048577 bytes, more than the limit of 1048576");
            assertThatIllegalArgumentException().isThrownBy(() -> store.put("ns", "\uDC00", new byte[1]))
                    .withMessageContaining("not valid Unicode");
            store.put("ns", "small", new byte[1]);
            assertThat(store.size()).isEqualTo(2);
        }
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(store.entries("ns")).containsOnlyKeys("largest", "small");
            assertThat(store.get("ns", "largest")).hasSize(JournaledStore.MAX_VALUE_BYTES);
        }
    }

    @Test
    void severalThreadsWriteWithoutLosingEntries() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults().withSyncEveryWrite(false))) {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String namespace = "thread-" + t;
                writers.add(threads.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        store.put(namespace, "key-" + i, bytes(namespace + i));
                        store.put("shared", "key-" + i, bytes(namespace));
                        store.get("shared", "key-" + (i / 2));
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
            assertThat(store.size()).isEqualTo(4 * 2_000 + 2_000);
        } finally {
            threads.shutdown();
        }
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(store.size()).isEqualTo(4 * 2_000 + 2_000);
            assertThat(store.get("thread-3", "key-1999")).isEqualTo(bytes("thread-31999"));
        }
    }

    @Test
    void aClosedStoreRefusesCalls() throws IOException {
        JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults());
        store.put("ns", "k", new byte[1]);
        store.close();
        store.close();
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> store.get("ns", "k"))
                .withMessageContaining("closed");
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> store.put("ns", "k", new byte[1]));
    }

    @Test
    void withoutSyncEveryWriteABackgroundThreadSyncsUntilTheStoreCloses() throws IOException {
        String syncThread = "pilot-store-sync " + dir;
        StoreOptions options = StoreOptions.defaults().withSyncEveryWrite(false).withSyncInterval(Duration.ofMillis(10));
        try (JournaledStore store = JournaledStore.open(dir, options)) {
            assertThat(threadsNamed(syncThread)).isOne();
            store.put("ns", "k", new byte[1]);
            store.sync();
        }
        await().until(() -> threadsNamed(syncThread) == 0);
        try (JournaledStore store = JournaledStore.open(dir, StoreOptions.defaults())) {
            assertThat(threadsNamed(syncThread)).isZero();
            assertThat(store.get("ns", "k")).hasSize(1);
        }
    }

    @Test
    void optionsRefuseSettingsThatMakeNoSense() {
        StoreOptions defaults = StoreOptions.defaults();
        assertThat(defaults.syncEveryWrite()).isTrue();
        assertThat(defaults.compactionMinJournalBytes()).isEqualTo(1 << 20);
        assertThat(defaults.compactionGrowthFactor()).isEqualTo(4);
        assertThatIllegalArgumentException().isThrownBy(() -> defaults.withSyncInterval(Duration.ZERO));
        assertThatIllegalArgumentException().isThrownBy(() -> defaults.withCompaction(0, 4));
        assertThatIllegalArgumentException().isThrownBy(() -> defaults.withCompaction(4096, 0));
    }

    private static long threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals(name)).count();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
