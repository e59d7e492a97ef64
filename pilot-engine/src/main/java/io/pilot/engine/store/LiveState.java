package io.pilot.engine.store;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The store's contents in memory, and how many bytes a snapshot of them would take, which is what
 * compaction weighs the journal against. Keys are sorted so that snapshots come out the same for the same
 * contents. Not thread-safe: {@link JournaledStore} guards it.
 */
final class LiveState {

    private final Map<String, NavigableMap<String, byte[]>> namespaces = new HashMap<>();
    private int size;
    private long snapshotBytes;

    void apply(JournalEntry entry) {
        String namespace = entry.namespace();
        String key = entry.key();
        if (entry.kind() == JournalEntry.Kind.PUT) {
            byte[] previous = namespaces.computeIfAbsent(namespace, unused -> new TreeMap<>()).put(key, entry.value());
            forget(namespace, key, previous);
            snapshotBytes += EntryCodec.frameSize(namespace, key, entry.value().length);
            size++;
            return;
        }
        NavigableMap<String, byte[]> entries = namespaces.get(namespace);
        if (entries != null) {
            forget(namespace, key, entries.remove(key));
            if (entries.isEmpty()) {
                namespaces.remove(namespace);
            }
        }
    }

    private void forget(String namespace, String key, byte[] previous) {
        if (previous != null) {
            snapshotBytes -= EntryCodec.frameSize(namespace, key, previous.length);
            size--;
        }
    }

    /** The stored array itself, or {@code null}; callers copy before handing it out. */
    byte[] get(String namespace, String key) {
        NavigableMap<String, byte[]> entries = namespaces.get(namespace);
        return entries == null ? null : entries.get(key);
    }

    /** One namespace's entries in key order, as a read-only view of the stored arrays. */
    NavigableMap<String, byte[]> namespace(String namespace) {
        NavigableMap<String, byte[]> entries = namespaces.get(namespace);
        return entries == null ? Collections.emptyNavigableMap() : Collections.unmodifiableNavigableMap(entries);
    }

    /** Every entry as a put, namespaces in sorted order, keys in sorted order. */
    Iterable<JournalEntry> asPuts() {
        return () -> namespaces.keySet().stream().sorted()
                .flatMap(namespace -> namespaces.get(namespace).entrySet().stream()
                        .map(entry -> JournalEntry.put(namespace, entry.getKey(), entry.getValue())))
                .iterator();
    }

    int size() {
        return size;
    }

    /** The size of a snapshot's entries for this state, without header and trailer. */
    long snapshotBytes() {
        return snapshotBytes;
    }
}
