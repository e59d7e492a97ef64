package io.pilot.engine.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process for {@link CrashTests}: writes until killed, printing each key once its put has returned.
 * A large value rewritten under one key makes the journal outgrow the live data, so compactions run too,
 * and the kill may land in one.
 */
public final class CrashingWriter {

    private CrashingWriter() {
    }

    public static void main(String[] args) throws IOException {
        StoreOptions options = StoreOptions.defaults().withCompaction(64 * 1024, 2);
        try (JournaledStore store = JournaledStore.open(Path.of(args[0]), options)) {
            byte[] hot = new byte[1024];
            for (int i = 0; ; i++) {
                store.put("acknowledged", "key-" + i, value(i));
                hot[i % hot.length]++;
                store.put("hot", "rewritten", hot);
                System.out.println("key-" + i);
                System.out.flush();
            }
        }
    }

    static byte[] value(int i) {
        return ("value " + i + " ").repeat(1 + i % 20).getBytes(StandardCharsets.UTF_8);
    }
}
