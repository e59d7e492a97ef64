package io.pilot.engine.store;

import java.io.IOException;
import java.nio.file.Path;

/** Child process for {@link StoreLockTests}: keeps a store open until its standard input is closed. */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws IOException {
        try (JournaledStore store = JournaledStore.open(Path.of(args[0]), StoreOptions.defaults())) {
            System.out.println("open, " + store.size() + " keys");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our input
            }
        }
    }
}
