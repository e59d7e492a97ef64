package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.crypto.Sha256;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.NodeKey;
import java.time.Instant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backbone's directory state: live registrations with their leases, indexes by hostname, capability
 * and group, hostname bindings, group definitions and watch subscriptions. Every change gets the next
 * revision number and produces the events its watchers must receive. Thread-safe (one lock); the
 * {@link DirectoryStore} is written under it, so the store sees changes in order. Lookups and heartbeats do not
 * take that lock: they run on the backbone's event loop ({@link DirectoryService#answerOnLoop}), which must never
 * wait for a store's write. They read the record indexes under a read lock that changes take only for the moment
 * they change the indexes ({@link #reindex}), and a heartbeat renews a lease by compare-and-set. What a node may add beyond
 * its own record (watches, group definitions) needs its live registration and is capped per node and in all;
 * watches end with the registration. A durable store syncs each change under the lock: the per-node rate
 * limits of the {@link DirectoryService} bound how often one node can make others wait for it.
 */
final class Registry {

    private static final Logger log = LoggerFactory.getLogger(Registry.class);

    /**
     * A change a watcher must hear of.
     *
     * @param previous the revision of the event sent to the same subscription before this one (or of its start),
     *                 so the watcher can tell it missed none; {@link #UNCHAINED} for a subscription of the old
     *                 WATCH, whose events do not carry it
     */
    record Event(PilotAddress subscriber, int subscription, int kind, long revision, HeldRecord record, long previous) {
    }

    /** The {@link Event#previous} of an event to a subscription made by WATCH, which does not chain its events. */
    static final long UNCHAINED = -1;

    /**
     * A subscription made by WATCH_FROM.
     *
     * @param replay the changes after the revision asked for, as events in revision order; null if they cannot
     *               be replayed, and then {@code snapshot} holds what the watch selects now
     */
    record Resumed(int subscription, long revision, List<Event> replay, List<HeldRecord> snapshot) {
    }

    /** A registration's outcome. */
    record Registered(long leaseMillis, long revision, List<Event> events) {
    }

    private static final class Subscription {
        private final int id;
        private final PilotAddress subscriber;
        private final Query query;
        private final String value;
        /** The revision of the last event sent to it, which its next event names; {@link #UNCHAINED} if none do. */
        private long lastSent;

        Subscription(int id, PilotAddress subscriber, Query query, String value, long lastSent) {
            this.id = id;
            this.subscriber = subscriber;
            this.query = query;
            this.value = value;
            this.lastSent = lastSent;
        }

        int id() {
            return id;
        }

        PilotAddress subscriber() {
            return subscriber;
        }

        /** Notes an event at {@code revision} sent to it; returns the revision that event follows. */
        long chain(long revision) {
            long previous = lastSent;
            if (previous != UNCHAINED) {
                lastSent = revision;
            }
            return previous;
        }

        boolean matches(HeldRecord record) {
            return switch (query) {
                case ALL -> true;
                case HOSTNAME -> record.hostname.equals(value);
                case ADDRESS -> record.address.toString().equals(value);
                case CAPABILITY -> record.hasCapability(value);
                case GROUP -> record.inGroup(value);
            };
        }
    }

    /** The lease of a record another backbone keeps: the store's feed removes it. */
    private static final long NO_LEASE = HeldRecord.NO_LEASE;
    /** How long a write waits for the store's feed to bring it into this replica. */
    private static final long FEED_WAIT_MILLIS = 10_000;
    /**
     * Record changes kept for watches that resume (WATCH_FROM): about three minutes of a busy realm's changes
     * (100,000 agents re-registering every 30 min make ~55 a second), at a few references each, plus the records
     * replaced meanwhile (one signed record: under 1 KiB typically, so at most ~10 MiB).
     */
    static final int HISTORY_CHANGES = 10_000;

    private final BackboneSettings settings;
    private final DirectoryStore store;
    /** The store, if several backbones share it: writes go to it first and come back through {@link #apply}. */
    private final SharedDirectoryStore shared;
    private final LongSupplier clock;
    private final int realm;
    private final NodeKey backboneKey;

    /**
     * Guards the record indexes below ({@code entries}, {@code byHostname}, {@code byCapability}, {@code byGroup}):
     * written under this object's lock too, and held for writing only while they change, never across a store's
     * write; read without this object's lock by lookups and heartbeats.
     */
    private final ReadWriteLock indexLock = new ReentrantReadWriteLock();
    private final Map<PilotAddress, HeldRecord> entries = new HashMap<>();
    private final Map<String, HeldRecord> byHostname = new HashMap<>();
    private final NameIndex byCapability = new NameIndex();
    private final NameIndex byGroup = new NameIndex();
    /** The records whose lease this backbone keeps, by when they lapse: what a sweep looks at. */
    private final LeaseWheel leases;
    /**
     * Hostname bindings, except a live record's own (its hostname and key, read from the record: a copy here cost
     * about 140 bytes per record); see {@link #checkHostname(NodeRecord, long)} and {@link #released}.
     */
    private final Map<String, HostnameBinding> bindings = new HashMap<>();
    /**
     * Released bindings, by hostname, in the order they were last released (with a shared store, as its feed brought
     * them): each is forgotten once its hold has passed, when anyone may claim the name anyway, so that a fleet whose
     * hostnames come and go (a pod's, say) does not leave a binding behind for every name it ever used. A store of this
     * backbone's own forgets it here and in the store; a shared store is asked to delete it, and the feed's delete
     * takes it out here. One entry per name (a name released again moves to the end, a name claimed leaves), so it
     * never holds more than {@link #bindings}.
     */
    private final Map<String, HostnameBinding> releasedInOrder = new LinkedHashMap<>();

    /**
     * Released bindings forgotten at most per sweep: each is a store write (under this object's lock with a store of
     * this backbone's own; a round trip to a shared store, outside it).
     */
    static final int BINDINGS_FORGOTTEN_PER_SWEEP = 100;
    private final Map<String, GroupDefinition> groups = new HashMap<>();
    private final Map<Integer, Subscription> subscriptions = new HashMap<>();
    private final Map<PilotAddress, Integer> subscriptionCounts = new HashMap<>();
    private final Map<NodeKey, Integer> groupsByOwner = new HashMap<>();
    private long revision;
    /** The revision up to which the shared store's feed has handed over every change ({@link DirectoryChange.Settled}). */
    private long settledRevision;
    private final ChangeHistory<HeldRecord> history;
    private int nextSubscription = 1;

    /** @param backboneKey the key of the backbone this registry serves: invitations must name it */
    Registry(int realm, NodeKey backboneKey, BackboneSettings settings, DirectoryStore store, LongSupplier clockMillis) {
        this.realm = realm;
        this.backboneKey = backboneKey;
        this.settings = settings;
        this.store = store;
        this.shared = store instanceof SharedDirectoryStore s ? s : null;
        this.clock = clockMillis;
        // Slots a twentieth of the lease wide: a lapsed record goes at most that long after the sweep that would
        // have found it by walking every record.
        this.leases = new LeaseWheel(Math.max(1, settings.leaseTtl().toMillis() / 20));
        DirectoryStore.Snapshot snapshot = store.load();
        // A store of one backbone: every stored registration gets a fresh lease here. A shared store: each is
        // kept by the backbone it is attached to.
        long lease = shared != null ? NO_LEASE : clock.getAsLong() + settings.leaseTtl().toMillis();
        snapshot.groups().forEach(this::putGroup);
        for (SignedRecord record : snapshot.records()) {
            reindex(null, held(record, lease));
        }
        for (HostnameBinding binding : snapshot.bindings()) {
            HeldRecord bound = byHostname.get(binding.hostname());
            if (binding.releasedAtMillis() != 0 || bound == null || !bound.hasKey(binding.key())) {
                bindings.put(binding.hostname(), binding);
            }
        }
        orderReleased();
        revision = snapshot.revision();
        settledRevision = revision;
        history = new ChangeHistory<>(HISTORY_CHANGES, revision);
    }

    /** Whether revisions are a shared store's, the same at every backbone of the realm and across restarts. */
    boolean revisionsShared() {
        return shared != null;
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized long revision() {
        return revision;
    }

    /** Watch subscriptions held, over all nodes. */
    synchronized int subscriptions() {
        return subscriptions.size();
    }

    /** Group definitions held. */
    synchronized int groups() {
        return groups.size();
    }

    /** How many live records list each group, for the groups any record lists ({@link BackboneStatus}). */
    synchronized Map<String, Integer> groupMembers() {
        return new TreeMap<>(byGroup.counts());
    }

    /** The record changes after {@code revision}, if the history still holds them all ({@link BackboneStatus}). */
    synchronized Optional<List<ChangeHistory.Change<HeldRecord>>> changesSince(long revision) {
        return history.since(revision);
    }

    /**
     * Registers or updates the record of the node holding {@code sessionKey}.
     *
     * @param credentials per-group tokens or invitations, for groups that need them
     * @throws DirectoryException with the reason a registration is refused
     */
    Registered register(NodeKey sessionKey, SignedRecord signed, String joinToken, Map<String, byte[]> credentials) {
        if (shared == null) {
            return registerHere(sessionKey, signed, joinToken, credentials);
        }
        long now = clock.getAsLong();
        NodeRecord record = signed.record();
        List<HostnameBinding> released = new ArrayList<>();
        synchronized (this) {
            // Checked against this replica first (it refuses most bad registrations without a write); the hostname
            // again by the store against what it holds now, which decides between backbones.
            checkAdmission(sessionKey, record, joinToken, now);
            HeldRecord previous = checkReplacement(record, credentials, now);
            HostnameBinding release = previous == null || previous.hostname.equals(record.hostname())
                    ? null : released(previous, now);
            if (release != null) {
                released.add(release);
            }
        }
        long changed = shared.register(signed, stored -> checkHostname(record, stored, now), released);
        awaitRevision(changed);
        // The events went to the watchers when the store's feed brought the change (apply).
        return new Registered(settings.leaseTtl().toMillis(), changed, List.of());
    }

    private synchronized Registered registerHere(NodeKey sessionKey, SignedRecord signed, String joinToken,
            Map<String, byte[]> credentials) {
        long now = clock.getAsLong();
        NodeRecord record = signed.record();
        checkAdmission(sessionKey, record, joinToken, now);
        HeldRecord previous = checkReplacement(record, credentials, now);
        // Read before the indexes change: the live record that holds a hostname is what says it is bound.
        boolean boundAlready = boundTo(record.hostname(), record.key());
        HostnameBinding releasedPrevious = previous != null && !previous.hostname.equals(record.hostname())
                ? released(previous, now) : null;
        HeldRecord entry = held(signed, now + settings.leaseTtl().toMillis());
        reindex(previous, entry);
        bindings.remove(record.hostname()); // the record holds its binding from now on
        releasedInOrder.remove(record.hostname());
        if (!boundAlready) {
            store.saveBinding(new HostnameBinding(record.hostname(), record.key(), 0));
        }
        release(releasedPrevious);
        store.saveRecord(signed);
        long changed = ++revision;
        return new Registered(settings.leaseTtl().toMillis(), changed, changed(previous, entry, changed));
    }

    /** Checks what replacing the registered record (if any) needs; returns the registered entry or null. */
    private HeldRecord checkReplacement(NodeRecord record, Map<String, byte[]> credentials, long now) {
        HeldRecord previous = entries.get(record.address());
        if (previous != null && record.sequence() <= previous.sequence()) {
            throw new DirectoryException(DirectoryError.STALE_SEQUENCE, "sequence " + record.sequence()
                    + " is not newer than the registered " + previous.sequence());
        }
        if (previous == null && entries.size() >= settings.maxRecords()) {
            throw new DirectoryException(DirectoryError.TOO_MANY, "the directory is full (" + settings.maxRecords() + " records)");
        }
        for (String group : record.groups()) {
            if (previous == null || !previous.inGroup(group)) {
                admitToGroup(record, group, credentials.get(group), now);
            }
        }
        return previous;
    }

    private void checkAdmission(NodeKey sessionKey, NodeRecord record, String joinToken, long now) {
        if (!record.key().equals(sessionKey)) {
            throw new DirectoryException(DirectoryError.WRONG_KEY, "a node may only publish its own record; this record belongs to "
                    + record.address());
        }
        if (record.realm() != realm) {
            throw new DirectoryException(DirectoryError.BAD_RECORD, "record is for realm " + record.realm()
                    + ", this backbone serves realm " + realm);
        }
        if (record.expiresAtMillis() <= now) {
            throw new DirectoryException(DirectoryError.EXPIRED_RECORD, "record expired at " + record.expiresAtMillis());
        }
        if (record.expiresAtMillis() > now + settings.maxRecordLifetime().toMillis()) {
            throw new DirectoryException(DirectoryError.EXPIRED_RECORD, "record expiry lies more than "
                    + settings.maxRecordLifetime() + " ahead");
        }
        if (settings.joinToken() != null) {
            if (joinToken == null || joinToken.isEmpty()) {
                throw new DirectoryException(DirectoryError.JOIN_TOKEN_REQUIRED, "this realm requires a join token");
            }
            if (!MessageDigest.isEqual(joinToken.getBytes(StandardCharsets.UTF_8),
                    settings.joinToken().getBytes(StandardCharsets.UTF_8))) {
                throw new DirectoryException(DirectoryError.JOIN_TOKEN_INVALID, "the join token is not valid for this realm");
            }
        }
        checkHostname(record, now);
    }

    /** Refuses the record if its hostname is bound to another key: by a binding held, or by another key's live record. */
    private void checkHostname(NodeRecord record, long now) {
        HostnameBinding held = bindings.get(record.hostname());
        if (held != null) {
            checkHostname(record, held, now);
            return;
        }
        HeldRecord live = byHostname.get(record.hostname());
        if (live != null && !live.hasKey(record.key())) {
            throw new DirectoryException(DirectoryError.HOSTNAME_TAKEN, "hostname '" + record.hostname()
                    + "' belongs to another key");
        }
    }

    /** Whether {@code hostname} is bound to {@code key} and live now (held, or its live record's). */
    private boolean boundTo(String hostname, NodeKey key) {
        HostnameBinding held = bindings.get(hostname);
        if (held != null) {
            return held.releasedAtMillis() == 0 && held.key().equals(key);
        }
        HeldRecord live = byHostname.get(hostname);
        return live != null && live.hasKey(key);
    }

    /** Refuses the record if {@code binding} (the hostname's binding, or null) holds its hostname for another key. */
    private void checkHostname(NodeRecord record, HostnameBinding binding, long now) {
        if (binding != null && !binding.key().equals(record.key())) {
            boolean live = binding.releasedAtMillis() == 0;
            long freeAt = binding.releasedAtMillis() + settings.hostnameHold().toMillis();
            if (live || now < freeAt) {
                throw new DirectoryException(DirectoryError.HOSTNAME_TAKEN, "hostname '" + record.hostname()
                        + "' belongs to another key" + (live ? "" : " until " + Instant.ofEpochMilli(freeAt)));
            }
        }
    }

    private void admitToGroup(NodeRecord record, String group, byte[] credential, long now) {
        GroupDefinition definition = groups.get(group);
        if (definition == null || definition.policy() == GroupPolicy.OPEN) {
            return;
        }
        if (credential == null) {
            throw new DirectoryException(DirectoryError.GROUP_DENIED, "group " + group + " needs a "
                    + (definition.policy() == GroupPolicy.TOKEN ? "token" : "invitation from its owner"));
        }
        if (definition.policy() == GroupPolicy.INVITATION) {
            Invitation.check(credential, definition.owner(), group, record.key(), realm, backboneKey, now);
        } else if (!MessageDigest.isEqual(Sha256.hash(credential), definition.tokenHash())) {
            throw new DirectoryException(DirectoryError.GROUP_DENIED, "the token for group " + group + " is not valid");
        }
    }

    /**
     * Creates a group with a policy; the creator, which must hold a live registration, owns it. Creating it
     * again with the same owner updates it.
     */
    void createGroup(NodeKey owner, String name, GroupPolicy policy, byte[] token) {
        GroupDefinition definition = checkGroup(owner, name, policy, token);
        if (shared == null) {
            return;
        }
        awaitRevision(shared.createGroup(definition, stored -> checkOwner(stored, owner, name)));
    }

    /** Checks a group creation against this replica; without a shared store, also makes it. */
    private synchronized GroupDefinition checkGroup(NodeKey owner, String name, GroupPolicy policy, byte[] token) {
        requireRegistered(owner.address(realm), "create a group");
        GroupDefinition existing = groups.get(name);
        checkOwner(existing, owner, name);
        if (existing == null && byGroup.contains(name) && policy != GroupPolicy.OPEN) {
            throw new DirectoryException(DirectoryError.GROUP_DENIED, "group " + name
                    + " already has members admitted as an open group");
        }
        if (policy == GroupPolicy.TOKEN && (token == null || token.length == 0)) {
            throw new DirectoryException(DirectoryError.BAD_REQUEST, "a token group needs a token");
        }
        if (existing == null && groupsByOwner.getOrDefault(owner, 0) >= settings.maxGroupsPerOwner()) {
            throw new DirectoryException(DirectoryError.TOO_MANY, "at most " + settings.maxGroupsPerOwner()
                    + " groups per owner");
        }
        if (existing == null && groups.size() >= settings.maxGroups()) {
            throw new DirectoryException(DirectoryError.TOO_MANY, "the directory holds its maximum of "
                    + settings.maxGroups() + " groups");
        }
        GroupDefinition definition = new GroupDefinition(name, policy, owner, policy == GroupPolicy.TOKEN ? Sha256.hash(token) : null);
        if (shared == null) {
            putGroup(definition);
            store.saveGroup(definition);
        }
        return definition;
    }

    private static void checkOwner(GroupDefinition existing, NodeKey owner, String name) {
        if (existing != null && existing.owner() != null && !existing.owner().equals(owner)) {
            throw new DirectoryException(DirectoryError.GROUP_DENIED, "group " + name + " belongs to another owner");
        }
    }

    private void putGroup(GroupDefinition definition) {
        GroupDefinition previous = groups.put(definition.name(), definition);
        if (previous != null && previous.owner() != null) {
            groupsByOwner.merge(previous.owner(), -1, Integer::sum);
        }
        if (definition.owner() != null) {
            groupsByOwner.merge(definition.owner(), 1, Integer::sum);
        }
    }

    /**
     * Whether {@code node} holds a live registration. Without this object's lock (the event loop asks it of every
     * lookup and relayed datagram in a realm with a join token): it never waits for a store's write.
     */
    boolean isRegistered(PilotAddress node) {
        Lock read = indexLock.readLock();
        read.lock();
        try {
            return entries.containsKey(node);
        } finally {
            read.unlock();
        }
    }

    /**
     * Refuses a node with no live registration: checked before a request is charged to the node's budget, and
     * again under the lock when the request is applied.
     */
    synchronized void requireRegistered(PilotAddress node, String what) {
        if (!entries.containsKey(node)) {
            throw new DirectoryException(DirectoryError.NOT_REGISTERED, "only a registered node may " + what
                    + "; " + node + " has no live registration");
        }
    }

    /**
     * Refreshes the lease of the node holding {@code sessionKey}. Without this object's lock (it runs on the
     * event loop): a sweep that removes the record claims it first, so the lease moves before the sweep or not at all.
     */
    long heartbeat(NodeKey sessionKey) {
        HeldRecord entry;
        Lock read = indexLock.readLock();
        read.lock();
        try {
            entry = entries.get(sessionKey.address(realm));
        } finally {
            read.unlock();
        }
        if (entry == null || !entry.attachedHere()
                || !entry.renewLease(clock.getAsLong() + settings.leaseTtl().toMillis())) {
            // Attached to another backbone of the realm (or to none): registering here attaches it here.
            throw new DirectoryException(DirectoryError.NOT_REGISTERED, "no live registration for " + sessionKey.address(realm)
                    + " at this backbone: register again");
        }
        // Kept in memory only: a heartbeat writes nothing to a store, shared or not.
        // Nothing moves in the lease wheel: the record's slot, when it comes, finds the lease moved and files it again.
        return settings.leaseTtl().toMillis();
    }

    /** Removes the registration of the node holding {@code sessionKey} (a clean shutdown). */
    List<Event> deregister(NodeKey sessionKey) {
        if (shared == null) {
            return deregisterHere(sessionKey);
        }
        HeldRecord entry;
        synchronized (this) {
            entry = entries.get(sessionKey.address(realm));
        }
        if (entry != null && entry.attachedHere()) {
            long changed = shared.remove(entry.toSignedRecord(), released(entry, clock.getAsLong()));
            awaitRevision(changed);
        }
        return List.of();
    }

    private synchronized List<Event> deregisterHere(NodeKey sessionKey) {
        HeldRecord entry = entries.get(sessionKey.address(realm));
        return entry == null ? List.of() : remove(entry, clock.getAsLong());
    }

    /**
     * Removes every registration whose lease lapsed. With a shared store, only those attached here, from the
     * store (their watchers hear it through the feed); one the store cannot remove now is tried again at the
     * next sweep. Looks only at the records whose slot in the lease wheel has come: O(records due), not O(held).
     */
    List<Event> expire() {
        long now = clock.getAsLong();
        if (shared == null) {
            return expireHere(now);
        }
        List<HeldRecord> lapsed = new ArrayList<>();
        synchronized (this) {
            for (HeldRecord entry : leases.takeDue(now)) {
                if (entries.get(entry.address) != entry) {
                    continue; // replaced or removed since it was filed
                }
                if (entry.lapsed(now)) {
                    lapsed.add(entry);
                    // Looked at again a slot later: gone by then once the store's feed removed it, else tried again.
                    leases.file(entry, now + 1);
                } else {
                    leases.file(entry);
                }
            }
        }
        for (HeldRecord entry : lapsed) {
            shared.remove(entry.toSignedRecord(), released(entry, now));
        }
        forgetHeldOutShared(now);
        return List.of();
    }

    private synchronized List<Event> expireHere(long now) {
        List<Event> events = new ArrayList<>();
        for (HeldRecord entry : leases.takeDue(now)) {
            if (entries.get(entry.address) != entry) {
                continue; // replaced or removed since it was filed
            }
            if (entry.claimIfLapsed(now)) {
                events.addAll(remove(entry, now));
            } else {
                leases.file(entry);
            }
        }
        forgetHeldOut(now);
        return events;
    }

    /** Records filed in the lease wheel, for tests: bounded by the live ones plus those replaced within a lease. */
    synchronized int leasesFiled() {
        return leases.size();
    }

    /**
     * The binding {@code entry} leaves released at {@code now} if it holds its hostname now (by a live binding held,
     * or as the hostname's live record: ask before it leaves the indexes); else null.
     */
    private synchronized HostnameBinding released(HeldRecord entry, long now) {
        HostnameBinding held = bindings.get(entry.hostname);
        if (held != null) {
            return held.releasedAtMillis() == 0 && entry.hasKey(held.key()) ? new HostnameBinding(entry.hostname, held.key(), now) : null;
        }
        return byHostname.get(entry.hostname) == entry ? new HostnameBinding(entry.hostname, entry.key(), now) : null;
    }

    /**
     * Applies a change of the shared store, made through any backbone (this one included), and returns the
     * events its watchers here must receive. Called by the store's feed, in revision order.
     */
    synchronized List<Event> apply(DirectoryChange change) {
        List<Event> events = List.of();
        if (change instanceof DirectoryChange.RecordPut put) {
            HeldRecord previous = entries.get(put.record().record().address());
            long lease = put.attachedHere() ? clock.getAsLong() + settings.leaseTtl().toMillis() : NO_LEASE;
            HeldRecord entry = held(put.record(), lease);
            reindex(previous, entry);
            // Put again unchanged (under another backbone's lease, or a new lease of this one): nothing to tell.
            boolean same = previous != null && previous.sameBytes(entry);
            events = same ? List.of() : changed(previous, entry, put.revision());
        } else if (change instanceof DirectoryChange.RecordDeleted deleted) {
            HeldRecord entry = entries.get(deleted.address());
            if (entry != null) {
                reindex(entry, null);
                unwatchAll(deleted.address());
                events = changed(entry, null, deleted.revision());
            }
        } else if (change instanceof DirectoryChange.BindingPut put) {
            HostnameBinding binding = put.binding();
            bindings.put(binding.hostname(), binding);
            releasedInOrder.remove(binding.hostname()); // claimed, or released again: its hold starts now
            if (binding.releasedAtMillis() != 0) {
                releasedInOrder.put(binding.hostname(), binding);
            }
        } else if (change instanceof DirectoryChange.BindingDeleted deleted) {
            bindings.remove(deleted.hostname());
            releasedInOrder.remove(deleted.hostname());
        } else if (change instanceof DirectoryChange.GroupPut put) {
            putGroup(put.group());
        } else if (change instanceof DirectoryChange.Reloaded reloaded) {
            events = reload(reloaded);
            settledRevision = Math.max(settledRevision, reloaded.revision());
        } else if (change instanceof DirectoryChange.Settled settled) {
            settledRevision = Math.max(settledRevision, settled.revision());
        }
        revision = Math.max(revision, change.revision());
        notifyAll();
        return events;
    }

    /** The records of the nodes attached to this backbone: what a shared store puts again under a new lease. */
    synchronized List<SignedRecord> attachedRecords() {
        // Decoded (and so verified) again from the held bytes: the store asks for them only when its lease was lost.
        return entries.values().stream().filter(HeldRecord::attachedHere).map(HeldRecord::toSignedRecord).toList();
    }

    /** Waits until the store's feed has brought this replica to {@code wanted}, settled: a writer then reads all its write. */
    private synchronized void awaitRevision(long wanted) {
        long deadline = System.currentTimeMillis() + FEED_WAIT_MILLIS;
        while (settledRevision < wanted) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new DirectoryException(DirectoryError.STORE_UNAVAILABLE, "the change was stored at revision " + wanted
                        + " but this backbone has not received the store's feed past " + settledRevision + " yet");
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DirectoryException(DirectoryError.STORE_UNAVAILABLE, "interrupted while waiting for the store");
            }
        }
    }

    private List<Event> remove(HeldRecord entry, long now) {
        HostnameBinding released = released(entry, now);
        reindex(entry, null);
        unwatchAll(entry.address);
        release(released);
        store.deleteRecord(entry.address);
        long changed = ++revision;
        return changed(entry, null, changed);
    }

    /** Holds and stores a binding {@link #released} gave, if any. */
    private void release(HostnameBinding released) {
        if (released != null) {
            bindings.put(released.hostname(), released);
            store.saveBinding(released);
            releasedInOrder.remove(released.hostname()); // released again: its hold starts now, so it goes last
            releasedInOrder.put(released.hostname(), released);
        }
    }

    /**
     * Forgets released bindings whose hold has passed, the oldest first, at most {@link #BINDINGS_FORGOTTEN_PER_SWEEP}
     * (each a store write under this object's lock). A store that fails leaves the rest for the next sweep: the lease
     * sweep around it goes on.
     */
    private void forgetHeldOut(long now) {
        try {
            for (HostnameBinding oldest : heldOut(now)) {
                store.deleteBinding(oldest.hostname());
                releasedInOrder.remove(oldest.hostname());
                bindings.remove(oldest.hostname());
            }
        } catch (RuntimeException e) {
            log.warn("could not forget a released hostname binding now; trying again at the next sweep", e);
        }
    }

    /** The released bindings whose hold has passed at {@code now}, oldest first, at most {@link #BINDINGS_FORGOTTEN_PER_SWEEP}. */
    private synchronized List<HostnameBinding> heldOut(long now) {
        long hold = settings.hostnameHold().toMillis();
        List<HostnameBinding> due = new ArrayList<>();
        for (HostnameBinding oldest : releasedInOrder.values()) {
            if (due.size() == BINDINGS_FORGOTTEN_PER_SWEEP || now - oldest.releasedAtMillis() < hold) {
                break;
            }
            due.add(oldest);
        }
        return due;
    }

    /**
     * Asks the shared store to delete the released bindings whose hold has passed, the oldest first, at most
     * {@link #BINDINGS_FORGOTTEN_PER_SWEEP}: outside this object's lock, as each is a round trip to the store. They
     * leave memory when the feed brings the delete (this backbone's or another's, whichever came first); a store that
     * fails leaves the rest for the next sweep.
     */
    private void forgetHeldOutShared(long now) {
        try {
            for (HostnameBinding binding : heldOut(now)) {
                shared.forgetBinding(binding);
            }
        } catch (RuntimeException e) {
            log.warn("could not forget a released hostname binding now; trying again at the next sweep", e);
        }
    }

    /** Puts the released bindings held in the order of their release: after a load or a reload. */
    private void orderReleased() {
        releasedInOrder.clear();
        bindings.values().stream().filter(b -> b.releasedAtMillis() != 0)
                .sorted(Comparator.comparingLong(HostnameBinding::releasedAtMillis))
                .forEach(b -> releasedInOrder.put(b.hostname(), b));
    }

    /** Hostname bindings held apart from live records (released ones, within or past their hold): for tests. */
    synchronized int bindingsHeld() {
        return bindings.size();
    }

    /**
     * The records {@code query} selects, as held: their {@link HeldRecord#signedBytes} are what a reply carries.
     * Without this object's lock (it runs on the event loop): it never waits for a store's write.
     */
    List<HeldRecord> lookup(Query query, String value) {
        PilotAddress address = query == Query.ADDRESS ? parseAddress(value) : null;
        Lock read = indexLock.readLock();
        read.lock();
        try {
            return switch (query) {
                case ALL -> new ArrayList<>(entries.values());
                case HOSTNAME -> one(byHostname.get(value));
                case ADDRESS -> one(entries.get(address));
                case CAPABILITY -> held(byCapability.get(value));
                case GROUP -> held(byGroup.get(value));
            };
        } finally {
            read.unlock();
        }
    }

    private static List<HeldRecord> one(HeldRecord record) {
        return record == null ? List.of() : List.of(record);
    }

    private List<HeldRecord> held(Collection<PilotAddress> addresses) {
        List<HeldRecord> found = new ArrayList<>(addresses.size());
        addresses.forEach(a -> found.add(entries.get(a)));
        return found;
    }

    synchronized HeldRecord find(PilotAddress address) {
        return entries.get(address);
    }

    /**
     * Subscribes {@code subscriber} to changes of what {@code query} selects. Only a registered node may
     * watch: its watches end with its registration, so what it holds is bounded by its lease.
     */
    synchronized int watch(PilotAddress subscriber, Query query, String value) {
        requireRegistered(subscriber, "watch");
        if (query == Query.ADDRESS) {
            value = parseAddress(value).toString(); // records match the canonical upper-case text
        }
        int count = subscriptionCounts.getOrDefault(subscriber, 0);
        if (count >= settings.maxSubscriptionsPerNode()) {
            throw new DirectoryException(DirectoryError.TOO_MANY, "at most " + settings.maxSubscriptionsPerNode()
                    + " watches per node");
        }
        int id = nextSubscription++;
        subscriptions.put(id, new Subscription(id, subscriber, query, value, UNCHAINED));
        subscriptionCounts.put(subscriber, count + 1);
        return id;
    }

    /**
     * Subscribes like {@link #watch}, with chained events, and in the same step reads what the watcher missed:
     * the changes after {@code since} that concern it, if {@code since} is a revision of this directory and the
     * history still holds every change after it; else the current matches. Nothing falls between the two: the
     * next change after the reply's revision is sent to the new subscription.
     *
     * @param since        the last revision the watch heard of (0: a new watch, which needs a snapshot)
     * @param sameRevisions whether {@code since} counts in this directory's revisions: a shared store's (the same at
     *                     every backbone of the realm), or this backbone run's own
     */
    synchronized Resumed resume(PilotAddress subscriber, Query query, String value, long since, boolean sameRevisions) {
        int id = watch(subscriber, query, value);
        Subscription subscription = subscriptions.get(id);
        subscription.lastSent = revision;
        Optional<List<ChangeHistory.Change<HeldRecord>>> missed = since > 0 && sameRevisions ? history.since(since) : Optional.empty();
        if (missed.isEmpty()) {
            return new Resumed(id, revision, null, lookup(query, subscription.value));
        }
        // Not chained: the replay is one reply, complete by itself, and the live events follow its revision.
        Subscription replaying = new Subscription(id, subscriber, query, subscription.value, UNCHAINED);
        List<Event> replay = new ArrayList<>();
        for (ChangeHistory.Change<HeldRecord> change : missed.get()) {
            Event event = event(replaying, change.before(), change.after(), change.revision());
            if (event != null) {
                replay.add(event);
            }
        }
        return new Resumed(id, revision, replay, null);
    }

    synchronized void unwatch(PilotAddress subscriber, int id) {
        Subscription subscription = subscriptions.get(id);
        if (subscription != null && subscription.subscriber().equals(subscriber)) {
            subscriptions.remove(id);
            subscriptionCounts.merge(subscriber, -1, Integer::sum);
        }
    }

    /**
     * Drops every subscription of a node: when it deregisters or its entry is removed (its lease lapsed). A failed
     * delivery of an event does not call it (the node may be away briefly: docs/PROTOCOL.md §10, gap 29).
     */
    synchronized void unwatchAll(PilotAddress subscriber) {
        subscriptions.values().removeIf(s -> s.subscriber().equals(subscriber));
        subscriptionCounts.remove(subscriber);
    }

    /** Records a change of one record in the history and returns the events it makes for the watchers. */
    private List<Event> changed(HeldRecord before, HeldRecord after, long changed) {
        history.record(changed, before, after);
        List<Event> events = new ArrayList<>();
        for (Subscription subscription : subscriptions.values()) {
            Event event = event(subscription, before, after, changed);
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }

    /** The event a change makes for one subscription, or null if it does not concern it; chains it. */
    private static Event event(Subscription subscription, HeldRecord before, HeldRecord after, long changed) {
        boolean was = before != null && subscription.matches(before);
        boolean is = after != null && subscription.matches(after);
        if (!was && !is) {
            return null;
        }
        int kind = !is ? DirectoryProtocol.EVENT_LEAVE : was ? DirectoryProtocol.EVENT_UPDATE : DirectoryProtocol.EVENT_JOIN;
        return new Event(subscription.subscriber(), subscription.id(), kind, changed, is ? after : before,
                subscription.chain(changed));
    }

    /**
     * Makes the replica what a reload of the store found (its feed broke off and cannot resume: etcd compacted
     * the revisions it missed): records gone are removed, new and changed ones put, all at the reload's revision;
     * the bindings are replaced and the groups put. The history restarts there: what happened before is known
     * only as this difference, so a watch that resumes from an earlier revision gets a snapshot.
     */
    private List<Event> reload(DirectoryChange.Reloaded reloaded) {
        Set<PilotAddress> present = new HashSet<>();
        List<DirectoryChange> puts = new ArrayList<>();
        bindings.clear();
        for (DirectoryChange change : reloaded.current()) {
            if (change instanceof DirectoryChange.RecordPut put) {
                present.add(put.record().record().address());
                puts.add(new DirectoryChange.RecordPut(put.record(), put.attachedHere(), reloaded.revision()));
            } else {
                puts.add(change);
            }
        }
        List<Event> events = new ArrayList<>();
        for (PilotAddress gone : new ArrayList<>(entries.keySet())) {
            if (!present.contains(gone)) {
                events.addAll(apply(new DirectoryChange.RecordDeleted(gone, reloaded.revision())));
            }
        }
        for (DirectoryChange put : puts) {
            events.addAll(apply(put));
        }
        orderReleased();
        history.restartAt(reloaded.revision());
        return events;
    }

    /** A record as held, its capability and group names the indexes' own instances. */
    private HeldRecord held(SignedRecord signed, long leaseExpiresAtMillis) {
        return new HeldRecord(signed, leaseExpiresAtMillis, byCapability::names, byGroup::names);
    }

    /**
     * Takes {@code previous} out of the indexes and puts {@code entry} in (either may be null), in one step for
     * lookups: a lookup sees the one or the other, never neither. Called under this object's lock.
     */
    private void reindex(HeldRecord previous, HeldRecord entry) {
        Lock write = indexLock.writeLock();
        write.lock();
        try {
            if (previous != null) {
                unindex(previous);
            }
            if (entry != null) {
                index(entry);
            }
        } finally {
            write.unlock();
        }
        if (entry != null && entry.attachedHere()) {
            leases.file(entry);
        }
    }

    private void index(HeldRecord entry) {
        entries.put(entry.address, entry);
        byHostname.put(entry.hostname, entry);
        entry.forEachCapability(capability -> byCapability.add(capability, entry.address));
        entry.forEachGroup(group -> byGroup.add(group, entry.address));
    }

    private void unindex(HeldRecord entry) {
        entries.remove(entry.address);
        byHostname.remove(entry.hostname, entry);
        entry.forEachCapability(capability -> byCapability.remove(capability, entry.address));
        entry.forEachGroup(group -> byGroup.remove(group, entry.address));
    }

    private static PilotAddress parseAddress(String value) {
        try {
            return PilotAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw new DirectoryException(DirectoryError.BAD_REQUEST, e.getMessage());
        }
    }
}
