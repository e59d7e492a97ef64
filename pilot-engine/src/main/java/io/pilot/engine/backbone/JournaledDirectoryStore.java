package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.RecordException;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.store.JournaledStore;
import io.pilot.engine.store.StoreOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The default durable {@link DirectoryStore}: the directory's state in a {@link JournaledStore} (every
 * change synced to a checksummed journal before it is acknowledged, compacted into snapshots). A killed
 * backbone comes back with its registrations, hostname bindings and groups. Stored records are checked
 * again on load, exactly as if they came from the network; anything that does not decode stops the start
 * with the entry named, rather than being dropped.
 * <pre>
 * namespace "records":   key = address text, value = the signed record's bytes
 * namespace "hostnames": key = hostname,     value = a {@link StoredValues} binding
 * namespace "groups":    key = group name,   value = a {@link StoredValues} group
 * </pre>
 */
public final class JournaledDirectoryStore implements DirectoryStore {

    private static final String RECORDS = "records";
    private static final String HOSTNAMES = "hostnames";
    private static final String GROUPS = "groups";

    private final JournaledStore store;
    private final Path directory;

    private JournaledDirectoryStore(JournaledStore store, Path directory) {
        this.store = store;
        this.directory = directory;
    }

    /**
     * Opens (or creates) the store in {@code directory}.
     *
     * @throws IOException naming the file and what is wrong if the store is damaged or locked by another process
     */
    public static JournaledDirectoryStore open(Path directory) throws IOException {
        return new JournaledDirectoryStore(JournaledStore.open(directory, StoreOptions.defaults()), directory);
    }

    @Override
    public Snapshot load() {
        List<SignedRecord> records = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : store.entries(RECORDS).entrySet()) {
            try {
                records.add(SignedRecord.decode(entry.getValue()));
            } catch (RecordException e) {
                throw corrupt(RECORDS, entry.getKey(), e.getMessage());
            }
        }
        List<HostnameBinding> bindings = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : store.entries(HOSTNAMES).entrySet()) {
            try {
                bindings.add(StoredValues.binding(entry.getKey(), entry.getValue()));
            } catch (IllegalArgumentException e) {
                throw corrupt(HOSTNAMES, entry.getKey(), e.getMessage());
            }
        }
        List<GroupDefinition> groups = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : store.entries(GROUPS).entrySet()) {
            try {
                groups.add(StoredValues.group(entry.getKey(), entry.getValue()));
            } catch (IllegalArgumentException e) {
                throw corrupt(GROUPS, entry.getKey(), e.getMessage());
            }
        }
        return new Snapshot(records, bindings, groups);
    }

    @Override
    public void saveRecord(SignedRecord record) {
        store.put(RECORDS, record.record().address().toString(), record.toBytes());
    }

    @Override
    public void deleteRecord(PilotAddress address) {
        store.remove(RECORDS, address.toString());
    }

    @Override
    public void saveBinding(HostnameBinding binding) {
        store.put(HOSTNAMES, binding.hostname(), StoredValues.binding(binding));
    }

    @Override
    public void deleteBinding(String hostname) {
        store.remove(HOSTNAMES, hostname);
    }

    @Override
    public void saveGroup(GroupDefinition group) {
        store.put(GROUPS, group.name(), StoredValues.group(group));
    }

    @Override
    public void close() {
        try {
            store.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the directory store in " + directory + " failed", e);
        }
    }

    private IllegalStateException corrupt(String namespace, String key, String problem) {
        return new IllegalStateException("directory store " + directory + ": entry '" + key + "' in " + namespace
                + " is not valid (" + problem + "); the store was left untouched: restore it from a backup or move it away");
    }
}
