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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The backbone's directory state: live registrations with their leases, indexes by hostname, capability
 * and group, hostname bindings, group definitions and watch subscriptions. Every change gets the next
 * revision number and produces the events its watchers must receive. Thread-safe (one lock); the
 * {@link DirectoryStore} is written under it, so the store sees changes in order. What a node may add beyond
 * its own record (watches, group definitions) needs its live registration and is capped per node and in all;
 * watches end with the registration. A durable store syncs each change under the lock: the per-node rate
 * limits of the {@link DirectoryService} bound how often one node can make others wait for it.
 */
final class Registry {

    /** A change a watcher must hear of. */
    record Event(PilotAddress subscriber, int subscription, int kind, long revision, SignedRecord record) {
    }

    /** A registration's outcome. */
    record Registered(long leaseMillis, long revision, List<Event> events) {
    }

    private record Entry(SignedRecord signed, long leaseExpiresAtMillis) {
        NodeRecord record() {
            return signed.record();
        }
    }

    private record Subscription(int id, PilotAddress subscriber, Query query, String value) {
        boolean matches(NodeRecord record) {
            return switch (query) {
                case ALL -> true;
                case HOSTNAME -> record.hostname().equals(value);
                case ADDRESS -> record.address().toString().equals(value);
                case CAPABILITY -> record.hasCapability(value);
                case GROUP -> record.groups().contains(value);
            };
        }
    }

    private final BackboneSettings settings;
    private final DirectoryStore store;
    private final LongSupplier clock;
    private final int realm;
    private final NodeKey backboneKey;

    private final Map<PilotAddress, Entry> entries = new HashMap<>();
    private final Map<String, PilotAddress> byHostname = new HashMap<>();
    private final Map<String, Set<PilotAddress>> byCapability = new HashMap<>();
    private final Map<String, Set<PilotAddress>> byGroup = new HashMap<>();
    private final Map<String, HostnameBinding> bindings = new HashMap<>();
    private final Map<String, GroupDefinition> groups = new HashMap<>();
    private final Map<Integer, Subscription> subscriptions = new HashMap<>();
    private final Map<PilotAddress, Integer> subscriptionCounts = new HashMap<>();
    private final Map<NodeKey, Integer> groupsByOwner = new HashMap<>();
    private long revision;
    private int nextSubscription = 1;

    /** @param backboneKey the key of the backbone this registry serves: invitations must name it */
    Registry(int realm, NodeKey backboneKey, BackboneSettings settings, DirectoryStore store, LongSupplier clockMillis) {
        this.realm = realm;
        this.backboneKey = backboneKey;
        this.settings = settings;
        this.store = store;
        this.clock = clockMillis;
        DirectoryStore.Snapshot snapshot = store.load();
        long lease = clock.getAsLong() + settings.leaseTtl().toMillis();
        snapshot.bindings().forEach(b -> bindings.put(b.hostname(), b));
        snapshot.groups().forEach(this::putGroup);
        for (SignedRecord record : snapshot.records()) {
            index(new Entry(record, lease));
        }
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

    /**
     * Registers or updates the record of the node holding {@code sessionKey}.
     *
     * @param credentials per-group tokens or invitations, for groups that need them
     * @throws DirectoryException with the reason a registration is refused
     */
    synchronized Registered register(NodeKey sessionKey, SignedRecord signed, String joinToken,
            Map<String, byte[]> credentials) {
        long now = clock.getAsLong();
        NodeRecord record = signed.record();
        checkAdmission(sessionKey, record, joinToken, now);
        Entry previous = entries.get(record.address());
        if (previous != null && record.sequence() <= previous.record().sequence()) {
            throw new DirectoryException(DirectoryError.STALE_SEQUENCE, "sequence " + record.sequence()
                    + " is not newer than the registered " + previous.record().sequence());
        }
        if (previous == null && entries.size() >= settings.maxRecords()) {
            throw new DirectoryException(DirectoryError.TOO_MANY, "the directory is full (" + settings.maxRecords() + " records)");
        }
        for (String group : record.groups()) {
            if (previous == null || !previous.record().groups().contains(group)) {
                admitToGroup(record, group, credentials.get(group), now);
            }
        }
        if (previous != null) {
            unindex(previous);
        }
        Entry entry = new Entry(signed, now + settings.leaseTtl().toMillis());
        index(entry);
        HostnameBinding binding = new HostnameBinding(record.hostname(), record.key(), 0);
        if (!binding.equals(bindings.put(record.hostname(), binding))) {
            store.saveBinding(binding);
        }
        if (previous != null && !previous.record().hostname().equals(record.hostname())) {
            release(previous.record(), now);
        }
        store.saveRecord(signed);
        long changed = ++revision;
        return new Registered(settings.leaseTtl().toMillis(), changed, events(previous, entry, changed));
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
        HostnameBinding binding = bindings.get(record.hostname());
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
    synchronized void createGroup(NodeKey owner, String name, GroupPolicy policy, byte[] token) {
        requireRegistered(owner.address(realm), "create a group");
        GroupDefinition existing = groups.get(name);
        if (existing != null && existing.owner() != null && !existing.owner().equals(owner)) {
            throw new DirectoryException(DirectoryError.GROUP_DENIED, "group " + name + " belongs to another owner");
        }
        if (existing == null && byGroup.containsKey(name) && policy != GroupPolicy.OPEN) {
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
        putGroup(definition);
        store.saveGroup(definition);
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
     * Refuses a node with no live registration: checked before a request is charged to the node's budget, and
     * again under the lock when the request is applied.
     */
    synchronized void requireRegistered(PilotAddress node, String what) {
        if (!entries.containsKey(node)) {
            throw new DirectoryException(DirectoryError.NOT_REGISTERED, "only a registered node may " + what
                    + "; " + node + " has no live registration");
        }
    }

    /** Refreshes the lease of the node holding {@code sessionKey}. */
    synchronized long heartbeat(NodeKey sessionKey) {
        Entry entry = entries.get(sessionKey.address(realm));
        if (entry == null) {
            throw new DirectoryException(DirectoryError.NOT_REGISTERED, "no live registration for " + sessionKey.address(realm)
                    + ": register again");
        }
        entries.put(entry.record().address(), new Entry(entry.signed(), clock.getAsLong() + settings.leaseTtl().toMillis()));
        return settings.leaseTtl().toMillis();
    }

    /** Removes the registration of the node holding {@code sessionKey} (a clean shutdown). */
    synchronized List<Event> deregister(NodeKey sessionKey) {
        Entry entry = entries.get(sessionKey.address(realm));
        return entry == null ? List.of() : remove(entry, clock.getAsLong());
    }

    /** Removes every registration whose lease lapsed. */
    synchronized List<Event> expire() {
        long now = clock.getAsLong();
        List<Event> events = new ArrayList<>();
        for (Entry entry : new ArrayList<>(entries.values())) {
            if (entry.leaseExpiresAtMillis() <= now || entry.record().expiresAtMillis() <= now) {
                events.addAll(remove(entry, now));
            }
        }
        return events;
    }

    private List<Event> remove(Entry entry, long now) {
        unindex(entry);
        unwatchAll(entry.record().address());
        release(entry.record(), now);
        store.deleteRecord(entry.record().address());
        long changed = ++revision;
        return events(entry, null, changed);
    }

    private void release(NodeRecord record, long now) {
        HostnameBinding binding = bindings.get(record.hostname());
        if (binding != null && binding.key().equals(record.key()) && binding.releasedAtMillis() == 0) {
            HostnameBinding released = new HostnameBinding(record.hostname(), record.key(), now);
            bindings.put(record.hostname(), released);
            store.saveBinding(released);
        }
    }

    synchronized List<SignedRecord> lookup(Query query, String value) {
        Collection<PilotAddress> addresses = switch (query) {
            case ALL -> entries.keySet();
            case HOSTNAME -> byHostname.containsKey(value) ? List.of(byHostname.get(value)) : List.of();
            case ADDRESS -> {
                PilotAddress address = parseAddress(value);
                yield entries.containsKey(address) ? List.of(address) : List.of();
            }
            case CAPABILITY -> byCapability.getOrDefault(value, Set.of());
            case GROUP -> byGroup.getOrDefault(value, Set.of());
        };
        List<SignedRecord> found = new ArrayList<>(addresses.size());
        addresses.forEach(a -> found.add(entries.get(a).signed()));
        return found;
    }

    synchronized SignedRecord find(PilotAddress address) {
        Entry entry = entries.get(address);
        return entry == null ? null : entry.signed();
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
        subscriptions.put(id, new Subscription(id, subscriber, query, value));
        subscriptionCounts.put(subscriber, count + 1);
        return id;
    }

    synchronized void unwatch(PilotAddress subscriber, int id) {
        Subscription subscription = subscriptions.get(id);
        if (subscription != null && subscription.subscriber().equals(subscriber)) {
            subscriptions.remove(id);
            subscriptionCounts.merge(subscriber, -1, Integer::sum);
        }
    }

    /** Drops every subscription of a node (it left, or its events cannot be delivered). */
    synchronized void unwatchAll(PilotAddress subscriber) {
        subscriptions.values().removeIf(s -> s.subscriber().equals(subscriber));
        subscriptionCounts.remove(subscriber);
    }

    private List<Event> events(Entry before, Entry after, long changed) {
        List<Event> events = new ArrayList<>();
        for (Subscription subscription : subscriptions.values()) {
            boolean was = before != null && subscription.matches(before.record());
            boolean is = after != null && subscription.matches(after.record());
            if (is) {
                int kind = was ? DirectoryProtocol.EVENT_UPDATE
                        : DirectoryProtocol.EVENT_JOIN;
                events.add(new Event(subscription.subscriber(), subscription.id(), kind, changed, after.signed()));
            } else if (was) {
                events.add(new Event(subscription.subscriber(), subscription.id(),
                        DirectoryProtocol.EVENT_LEAVE, changed, before.signed()));
            }
        }
        return events;
    }

    private void index(Entry entry) {
        NodeRecord record = entry.record();
        entries.put(record.address(), entry);
        byHostname.put(record.hostname(), record.address());
        record.capabilities().forEach(c -> byCapability.computeIfAbsent(c.name(), k -> new LinkedHashSet<>()).add(record.address()));
        record.groups().forEach(g -> byGroup.computeIfAbsent(g, k -> new LinkedHashSet<>()).add(record.address()));
    }

    private void unindex(Entry entry) {
        NodeRecord record = entry.record();
        entries.remove(record.address());
        byHostname.remove(record.hostname(), record.address());
        record.capabilities().forEach(c -> removeFrom(byCapability, c.name(), record.address()));
        record.groups().forEach(g -> removeFrom(byGroup, g, record.address()));
    }

    private static void removeFrom(Map<String, Set<PilotAddress>> index, String key, PilotAddress address) {
        Set<PilotAddress> set = index.get(key);
        if (set != null && set.remove(address) && set.isEmpty()) {
            index.remove(key);
        }
    }

    private static PilotAddress parseAddress(String value) {
        try {
            return PilotAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw new DirectoryException(DirectoryError.BAD_REQUEST, e.getMessage());
        }
    }
}
