package io.pilot.engine.session;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * The session indexes this node handed out, each mapped to what a packet carrying it belongs to: an
 * {@link Initiation}, a {@link Responder} or a {@link Keypair}. One map for all three, because the receiver
 * index is all an incoming packet says about where it goes. Indexes are random, so they reveal nothing about
 * how many sessions a node holds, and never zero. Confined to the event loop.
 */
final class IndexTable {

    private final Map<Integer, Object> byIndex = new HashMap<>();
    private final SecureRandom random;

    IndexTable(SecureRandom random) {
        this.random = random;
    }

    /** A fresh index, not zero and not in use; it is taken only once {@link #put} files something under it. */
    int allocate() {
        while (true) {
            int index = random.nextInt();
            if (index != 0 && !byIndex.containsKey(index)) {
                return index;
            }
        }
    }

    void put(int index, Object state) {
        byIndex.put(index, state);
    }

    /** What {@code index} belongs to, or null. */
    Object get(int index) {
        return byIndex.get(index);
    }

    void remove(int index) {
        byIndex.remove(index);
    }

    /** Frees the index of keys no longer used; null is allowed (an empty key pair slot). */
    void retire(Keypair keypair) {
        if (keypair != null) {
            byIndex.remove(keypair.localIndex);
        }
    }

    int size() {
        return byIndex.size();
    }
}
