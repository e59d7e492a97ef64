package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.directory.RecordException;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.NodeKey;
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
 * namespace "hostnames": key = hostname,     value = node_key[32] | released_at_millis u64
 * namespace "groups":    key = group name,   value = policy u8 | has_owner u8 [| owner_key[32]] | token_hash bytes16
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
                BinaryReader reader = new BinaryReader(entry.getValue());
                NodeKey key = NodeKey.of(readKey(reader));
                long released = reader.u64();
                reader.end();
                bindings.add(new HostnameBinding(entry.getKey(), key, released));
            } catch (DecodeException | IllegalArgumentException e) {
                throw corrupt(HOSTNAMES, entry.getKey(), e.getMessage());
            }
        }
        List<GroupDefinition> groups = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : store.entries(GROUPS).entrySet()) {
            try {
                BinaryReader reader = new BinaryReader(entry.getValue());
                GroupPolicy policy = GroupPolicy.fromWire(reader.u8());
                NodeKey owner = reader.u8() == 1 ? NodeKey.of(readKey(reader)) : null;
                byte[] tokenHash = reader.bytes16();
                reader.end();
                groups.add(new GroupDefinition(entry.getKey(), policy, owner, tokenHash.length == 0 ? null : tokenHash));
            } catch (DecodeException | DirectoryException | IllegalArgumentException e) {
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
        store.put(HOSTNAMES, binding.hostname(),
                new BinaryWriter().raw(binding.key().toBytes()).u64(binding.releasedAtMillis()).toBytes());
    }

    @Override
    public void deleteBinding(String hostname) {
        store.remove(HOSTNAMES, hostname);
    }

    @Override
    public void saveGroup(GroupDefinition group) {
        BinaryWriter value = new BinaryWriter().u8(group.policy().ordinal()).u8(group.owner() == null ? 0 : 1);
        if (group.owner() != null) {
            value.raw(group.owner().toBytes());
        }
        store.put(GROUPS, group.name(), value.bytes16(group.tokenHash() == null ? new byte[0] : group.tokenHash()).toBytes());
    }

    @Override
    public void close() {
        try {
            store.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the directory store in " + directory + " failed", e);
        }
    }

    private static byte[] readKey(BinaryReader reader) {
        return reader.raw(NodeKey.LENGTH);
    }

    private IllegalStateException corrupt(String namespace, String key, String problem) {
        return new IllegalStateException("directory store " + directory + ": entry '" + key + "' in " + namespace
                + " is not valid (" + problem + "); the store was left untouched: restore it from a backup or move it away");
    }
}
