package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.SignedRecord;

import java.util.List;

/**
 * One change of a {@link SharedDirectoryStore}, made through any backbone of the realm, as its change feed
 * delivers it: in revision order, each revision once. The revision is the store's (etcd's), the same at every
 * backbone, so a watcher may compare the revisions of events it received from different backbones.
 */
public sealed interface DirectoryChange {

    /** The store's revision of the change. */
    long revision();

    /**
     * A record put or replaced.
     *
     * @param attachedHere whether it was put under this backbone's lease: its node is attached here, and this
     *                     backbone keeps its lease (heartbeats) and removes it when the lease lapses
     */
    record RecordPut(SignedRecord record, boolean attachedHere, long revision) implements DirectoryChange {
    }

    /** A record removed (deregistered, lapsed, or its backbone's lease expired in the store). */
    record RecordDeleted(PilotAddress address, long revision) implements DirectoryChange {
    }

    record BindingPut(HostnameBinding binding, long revision) implements DirectoryChange {
    }

    record BindingDeleted(String hostname, long revision) implements DirectoryChange {
    }

    record GroupPut(GroupDefinition group, long revision) implements DirectoryChange {
    }

    /**
     * The whole directory as read at {@code revision}, after the feed broke off and could not resume where it
     * stopped (etcd compacted the revisions it missed): the replica becomes this, telling its watchers the
     * difference as changes at that revision.
     *
     * @param current every record, binding and group stored, as puts ({@link RecordPut}, {@link BindingPut},
     *                {@link GroupPut})
     */
    record Reloaded(List<DirectoryChange> current, long revision) implements DirectoryChange {
        public Reloaded {
            current = List.copyOf(current);
        }
    }

    /**
     * Every change up to and including {@code revision} has been handed over. One etcd transaction changes several
     * keys at one revision (a registration: the hostname binding and the record); a writer waits for this, not for
     * the first change of its revision, so it reads all of its write (the feed sends it after each batch).
     */
    record Settled(long revision) implements DirectoryChange {
    }

    /** A revision with nothing this directory keeps (another prefix's change, an unreadable value skipped). */
    record Skipped(long revision) implements DirectoryChange {
    }
}
