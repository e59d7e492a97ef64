package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.SignedRecord;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link DirectoryStore} that several backbones of one realm share (etcd): the store, not a backbone's
 * memory, is the truth. Each backbone's {@link Registry} is a replica, loaded from {@link #load()} and then fed
 * by {@link #follow}; a backbone's writes go to the store first and reach its own replica through the feed, like
 * everyone else's, so every replica applies the same changes in the same (revision) order.
 *
 * <p>Conflicts are decided by the store: a hostname claim or a group creation is a conditional write against
 * the value stored now, and of two racing ones exactly one wins; the other is checked again against the winner
 * and refused as the rule says ({@code HOSTNAME_TAKEN}, {@code GROUP_DENIED}).
 *
 * <p>Leases: a record is put under the lease of the backbone its node is attached to, which that backbone keeps
 * alive; the node's own lease (its heartbeats) stays in that backbone's memory and writes nothing. Every write
 * throws {@link DirectoryException} with {@link DirectoryError#STORE_UNAVAILABLE} when the store cannot be
 * reached, and changes nothing then.
 */
public interface SharedDirectoryStore extends DirectoryStore {

    /** Checks a value stored now against the rule of the write, throwing the refusal if it does not admit it. */
    @FunctionalInterface
    interface Check<T> {
        /** @param stored the value stored now, or null if there is none */
        void admit(T stored);
    }

    /**
     * Starts the change feed from just after the revision of the last {@link #load()}: every change of the
     * realm's directory, from any backbone, handed to {@code changes} in revision order on one thread, without
     * loss or duplicates, across outages of the store (the feed resumes from the last revision it delivered). If
     * the store can no longer say what changed since (etcd compacted those revisions), the feed hands over the
     * whole directory as one {@link DirectoryChange.Reloaded} and goes on from there.
     *
     * @param attached the records of the nodes attached to this backbone, put again under a new lease if the
     *                 store lost this backbone's lease (an outage longer than it)
     */
    void follow(Consumer<DirectoryChange> changes, Supplier<Collection<SignedRecord>> attached);

    /**
     * Registers a record: binds its hostname to its key if {@code hostname} admits the binding stored now, releases
     * the bindings {@code released} (the record's previous hostname), and puts the record under this backbone's
     * lease, all in one conditional write; retried if another write touched the hostname in between.
     *
     * @return the store's revision of the change
     */
    long register(SignedRecord record, Check<HostnameBinding> hostname, List<HostnameBinding> released);

    /**
     * Removes a record attached to this backbone and releases its hostname, unless the record was meanwhile put
     * again by another backbone (its node attached there): then nothing changes.
     *
     * @return the store's revision of the change, or 0 if nothing changed
     */
    long remove(SignedRecord record, HostnameBinding released);

    /**
     * Deletes a released hostname binding whose hold has passed, if it is still the one stored (nobody claimed or
     * released the name again since): every backbone of the realm may try, and the first one's delete reaches them all
     * through the feed; the others' then change nothing.
     *
     * @return the store's revision of the change, or 0 if nothing changed
     */
    long forgetBinding(HostnameBinding released);

    /**
     * Creates or updates a group definition if {@code existing} admits the definition stored now.
     *
     * @return the store's revision of the change
     */
    long createGroup(GroupDefinition group, Check<GroupDefinition> existing);

    /**
     * Tells the realm's other backbones where this one takes the relayed datagrams they pass on for its nodes
     * (kept while this backbone's lease lives). A store without relaying across backbones ignores it.
     */
    default void announceRelay(List<InetSocketAddress> endpoints) {
    }

    /**
     * Where the other backbone that {@code node} is attached to takes relayed datagrams, or null if the node is
     * attached here, or unknown, or its backbone announced no endpoint. Answered from memory (asked on the event
     * loop for every relayed datagram).
     */
    default InetSocketAddress backboneOf(PilotAddress node) {
        return null;
    }

    /** The backbone's {@link DirectoryStore} writes are the conditional ones above: these are never called. */
    @Override
    default void saveRecord(SignedRecord record) {
        throw new UnsupportedOperationException("a shared store is written through register");
    }

    @Override
    default void deleteRecord(PilotAddress address) {
        throw new UnsupportedOperationException("a shared store is written through remove");
    }

    @Override
    default void saveBinding(HostnameBinding binding) {
        throw new UnsupportedOperationException("a shared store is written through register and remove");
    }

    @Override
    default void deleteBinding(String hostname) {
        throw new UnsupportedOperationException("a shared store is written through register and remove");
    }

    @Override
    default void saveGroup(GroupDefinition group) {
        throw new UnsupportedOperationException("a shared store is written through createGroup");
    }

    /** The refusal every write throws while the store is unreachable. */
    static DirectoryException unavailable(String what, Throwable cause) {
        return new DirectoryException(DirectoryError.STORE_UNAVAILABLE, "the directory cannot be changed now: " + what
                + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"));
    }
}
