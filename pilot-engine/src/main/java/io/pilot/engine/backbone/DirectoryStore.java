package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.SignedRecord;

import java.util.List;

/**
 * Where a backbone keeps what must survive a restart: the latest record of each registered node, hostname
 * bindings and group definitions. Leases are not stored: after a restart every stored registration gets a
 * fresh lease, and nodes that are gone lapse as usual. Called with the directory's lock held, in order.
 */
public interface DirectoryStore extends AutoCloseable {

    /** Everything stored, to rebuild the directory at start. */
    Snapshot load();

    void saveRecord(SignedRecord record);

    void deleteRecord(PilotAddress address);

    void saveBinding(HostnameBinding binding);

    void deleteBinding(String hostname);

    void saveGroup(GroupDefinition group);

    @Override
    void close();

    /**
     * The stored state.
     *
     * @param revision the store's revision of this state (a {@link SharedDirectoryStore}'s feed continues after it);
     *                 0 for a store of one backbone, whose revisions start again at every start
     */
    record Snapshot(List<SignedRecord> records, List<HostnameBinding> bindings, List<GroupDefinition> groups, long revision) {

        public Snapshot(List<SignedRecord> records, List<HostnameBinding> bindings, List<GroupDefinition> groups) {
            this(records, bindings, groups, 0);
        }
    }

    /** A store that keeps nothing: a restarted backbone starts empty and nodes re-register. */
    static DirectoryStore none() {
        return new DirectoryStore() {
            @Override
            public Snapshot load() {
                return new Snapshot(List.of(), List.of(), List.of());
            }

            @Override
            public void saveRecord(SignedRecord record) {
            }

            @Override
            public void deleteRecord(PilotAddress address) {
            }

            @Override
            public void saveBinding(HostnameBinding binding) {
            }

            @Override
            public void deleteBinding(String hostname) {
            }

            @Override
            public void saveGroup(GroupDefinition group) {
            }

            @Override
            public void close() {
            }
        };
    }
}
