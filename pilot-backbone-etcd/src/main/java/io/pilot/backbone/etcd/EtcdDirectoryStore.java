package io.pilot.backbone.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.backbone.DirectoryChange;
import io.pilot.engine.backbone.GroupDefinition;
import io.pilot.engine.backbone.HostnameBinding;
import io.pilot.engine.backbone.SharedDirectoryStore;
import io.pilot.engine.backbone.StoredValues;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.SignedRecord;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.netty.util.concurrent.DefaultThreadFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of a realm in etcd v3, shared by every backbone of the realm ({@link EtcdKeys} has the layout).
 * Each backbone holds a replica ({@code Registry}) loaded from {@link #load()} and fed by an etcd watch from the
 * next revision, so every backbone applies the same changes in etcd's revision order. Writes are etcd
 * transactions conditional on the value read just before (its mod revision): of two racing claims of a hostname
 * or a group, exactly one commits; the other reads the winner and is refused by the rule.
 *
 * <p>Write load: a registration is one transaction (binding + record), a removal one, a group creation one;
 * heartbeats write nothing: records are put under this backbone's {@link BackboneLease}, whose keep-alive is one
 * request per third of the lease TTL for the whole backbone.
 */
public final class EtcdDirectoryStore implements SharedDirectoryStore {

    private static final Logger log = LoggerFactory.getLogger(EtcdDirectoryStore.class);
    /** Conditional writes retried at most this often when another backbone keeps changing the same key. */
    private static final int ATTEMPTS = 8;
    /** How long a broken watch or a failed reload waits before trying again while etcd does not answer. */
    private static final Duration RELOAD_RETRY = Duration.ofSeconds(1);

    private final Client client;
    private final EtcdLocation location;
    private final EtcdKeys keys;
    private final BackboneLease lease;
    private final ChangeDecoder decoder;
    private final BackboneAttachments attachments;
    private volatile List<InetSocketAddress> relayEndpoints = List.of();
    /** Whether the relay endpoints are in etcd under the current lease (else the next lease refresh puts them). */
    private volatile boolean announced;
    /** Records put under this backbone's lease, by address: the mod revision of that put (removals compare it). */
    private final Map<PilotAddress, Long> ownPuts = new ConcurrentHashMap<>();
    /** The one thread that hands changes over, in order, and reloads when the watch breaks. */
    private final ScheduledExecutorService feed;
    private volatile long loadedRevision;
    private volatile long deliveredRevision;
    private volatile Watch.Watcher watcher;
    private volatile boolean closed;

    private EtcdDirectoryStore(Client client, EtcdLocation location, int realm, Duration leaseTtl) {
        this.client = client;
        this.location = location;
        this.keys = new EtcdKeys(realm);
        this.lease = new BackboneLease(client, location, leaseTtl);
        this.decoder = new ChangeDecoder(keys, lease::isCurrent);
        this.attachments = new BackboneAttachments(keys, lease::isCurrent);
        this.feed = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("pilot-etcd-feed", true));
    }

    /**
     * Connects to etcd, checks that it answers (and accepts the credentials), and grants this backbone's lease.
     *
     * @param leaseTtl the lease of the records of this backbone's nodes: the backbone's {@code leaseTtl}
     * @throws IllegalArgumentException for a malformed URL or an unreadable file it names
     * @throws IllegalStateException naming the endpoints and what failed if etcd cannot be used
     */
    public static EtcdDirectoryStore open(String url, int realm, Duration leaseTtl) {
        EtcdLocation location = EtcdLocation.parse(url, System.getenv());
        Client client = connect(location);
        try {
            EtcdDirectoryStore store = new EtcdDirectoryStore(client, location, realm, leaseTtl);
            store.lease.grant();
            return store;
        } catch (RuntimeException e) {
            client.close();
            throw new IllegalStateException("cannot use etcd at " + location.describe() + ": " + e.getMessage(), e);
        }
    }

    private static Client connect(EtcdLocation location) {
        ClientBuilder builder = Client.builder().endpoints(location.endpoints().toArray(String[]::new))
                .connectTimeout(location.timeout()).retryMaxDuration(location.timeout());
        if (location.user() != null) {
            builder.user(EtcdKeys.bytes(location.user())).password(EtcdKeys.bytes(location.password()));
        }
        if (location.ca() != null) {
            try {
                builder.sslContext(ssl -> {
                    ssl.trustManager(location.ca().toFile());
                    if (location.cert() != null) {
                        ssl.keyManager(location.cert().toFile(), location.key().toFile());
                    }
                });
            } catch (Exception e) {
                throw new IllegalArgumentException("etcd TLS files (ca/cert/key) cannot be used: " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    @Override
    public Snapshot load() {
        DirectoryChange.Reloaded current = readAll();
        List<SignedRecord> records = new ArrayList<>();
        List<HostnameBinding> bindings = new ArrayList<>();
        List<GroupDefinition> groups = new ArrayList<>();
        for (DirectoryChange change : current.current()) {
            if (change instanceof DirectoryChange.RecordPut put) {
                records.add(put.record());
            } else if (change instanceof DirectoryChange.BindingPut put) {
                bindings.add(put.binding());
            } else if (change instanceof DirectoryChange.GroupPut put) {
                groups.add(put.group());
            }
        }
        loadedRevision = current.revision();
        deliveredRevision = loadedRevision;
        log.info("directory of etcd at {}: {} records, {} hostnames, {} groups at revision {}", location.describe(),
                records.size(), bindings.size(), groups.size(), loadedRevision);
        return new Snapshot(records, bindings, groups, loadedRevision);
    }

    /** Everything stored under the realm's prefix, as puts at the revision it was read at. */
    private DirectoryChange.Reloaded readAll() {
        GetResponse response = call("read the directory",
                client.getKVClient().get(keys.prefix(), GetOption.builder().isPrefix(true).build()));
        List<DirectoryChange> current = new ArrayList<>();
        attachments.clear(); // a reload forgets announcements and attachments etcd no longer holds
        for (KeyValue kv : response.getKvs()) {
            attachments.observe(kv, false);
            DirectoryChange change = decoder.put(kv);
            if (!(change instanceof DirectoryChange.Skipped)) {
                current.add(change);
            }
        }
        return new DirectoryChange.Reloaded(current, response.getHeader().getRevision());
    }

    @Override
    public void follow(Consumer<DirectoryChange> changes, Supplier<Collection<SignedRecord>> attached) {
        lease.keepAlive(() -> {
            putAgain(attached.get());
            announced = false;
        }, () -> {
            if (!announced) {
                announce();
            }
        });
        watchFrom(loadedRevision + 1, changes);
    }

    private void watchFrom(long revision, Consumer<DirectoryChange> changes) {
        WatchOption options = WatchOption.builder().isPrefix(true).withRevision(revision).build();
        watcher = client.getWatchClient().watch(keys.prefix(), options, Watch.listener(
                response -> feed.execute(() -> deliver(response, changes)),
                error -> feed.execute(() -> watchBroke(error, changes))));
    }

    /**
     * The watch ended with an error (jetcd ends it when the connection to etcd breaks, and when etcd compacted the
     * revisions it would resume from). A broken connection: watches again from just after the last revision
     * delivered, once a second until etcd answers. Compacted revisions (this backbone was cut off longer than etcd
     * keeps its history): nothing can say what changed in between, so it reloads the whole directory and hands it
     * over as one {@link DirectoryChange.Reloaded} (the replica tells its watchers the difference), then watches
     * from there.
     */
    private void watchBroke(Throwable error, Consumer<DirectoryChange> changes) {
        if (closed) {
            return;
        }
        Watch.Watcher broken = watcher;
        if (broken != null) {
            broken.close();
        }
        if (compacted(error)) {
            log.warn("etcd at {} compacted the revisions after {}, which this backbone has not received; reloading the"
                    + " directory", location.describe(), deliveredRevision);
            reload(changes);
        } else {
            log.info("the etcd watch of the directory at {} broke off after revision {} ({}); watching again from there",
                    location.describe(), deliveredRevision, EtcdCalls.rootCause(error).getMessage());
            feed.schedule(() -> {
                if (!closed) {
                    watchFrom(deliveredRevision + 1, changes);
                }
            }, RELOAD_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static boolean compacted(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CompactedException) {
                return true;
            }
        }
        return false;
    }

    private void reload(Consumer<DirectoryChange> changes) {
        if (closed) {
            return;
        }
        DirectoryChange.Reloaded current;
        try {
            current = readAll();
        } catch (RuntimeException e) {
            log.debug("reloading the directory failed ({}); trying again in {}", e.getMessage(), RELOAD_RETRY);
            feed.schedule(() -> reload(changes), RELOAD_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        ownPuts.clear();
        current.current().forEach(change -> noteOwnership(change, change.revision()));
        try {
            changes.accept(current);
        } catch (RuntimeException e) {
            log.error("applying the reloaded directory at revision {} failed", current.revision(), e);
        }
        deliveredRevision = current.revision();
        log.info("directory reloaded from etcd at {} at revision {} ({} values); following it again",
                location.describe(), current.revision(), current.current().size());
        watchFrom(current.revision() + 1, changes);
    }

    /** Hands a watch response's events over, in order; jetcd resumes a broken watch after the last revision it saw. */
    private void deliver(WatchResponse response, Consumer<DirectoryChange> changes) {
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            if (kv.getModRevision() < deliveredRevision) {
                continue; // already delivered before a resumption
            }
            boolean deleted = event.getEventType() == WatchEvent.EventType.DELETE;
            attachments.observe(kv, deleted);
            DirectoryChange change = deleted ? decoder.delete(kv) : decoder.put(kv);
            noteOwnership(change, kv.getModRevision());
            try {
                changes.accept(change);
            } catch (RuntimeException e) {
                log.error("applying the directory change at revision {} (key {}) failed", kv.getModRevision(),
                        kv.getKey().toString(StandardCharsets.UTF_8), e);
            }
            deliveredRevision = kv.getModRevision();
        }
        // etcd never splits a revision's events over two watch responses: everything up to here is complete.
        if (!response.getEvents().isEmpty()) {
            try {
                changes.accept(new DirectoryChange.Settled(deliveredRevision));
            } catch (RuntimeException e) {
                log.error("settling the directory at revision {} failed", deliveredRevision, e);
            }
        }
    }

    /** @param modRevision the etcd mod revision of the key changed, which a removal compares */
    private void noteOwnership(DirectoryChange change, long modRevision) {
        if (change instanceof DirectoryChange.RecordPut put) {
            PilotAddress address = put.record().record().address();
            if (put.attachedHere()) {
                ownPuts.put(address, modRevision);
            } else {
                ownPuts.remove(address);
            }
        } else if (change instanceof DirectoryChange.RecordDeleted deleted) {
            ownPuts.remove(deleted.address());
        }
    }

    @Override
    public long register(SignedRecord signed, Check<HostnameBinding> hostname, List<HostnameBinding> released) {
        String name = signed.record().hostname();
        ByteSequence bindingKey = keys.hostname(name);
        HostnameBinding claim = new HostnameBinding(name, signed.record().key(), 0);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            GetResponse current = call("read hostname '" + name + "'", client.getKVClient().get(bindingKey));
            long seen = 0;
            HostnameBinding stored = null;
            if (!current.getKvs().isEmpty()) {
                KeyValue kv = current.getKvs().get(0);
                seen = kv.getModRevision();
                stored = storedValue("hostname", kv, () -> StoredValues.binding(name, kv.getValue().getBytes()));
            }
            hostname.admit(stored);
            List<Op> writes = new ArrayList<>();
            writes.add(Op.put(bindingKey, ByteSequence.from(StoredValues.binding(claim)), PutOption.DEFAULT));
            for (HostnameBinding binding : released) {
                writes.add(Op.put(keys.hostname(binding.hostname()), ByteSequence.from(StoredValues.binding(binding)),
                        PutOption.DEFAULT));
            }
            writes.add(Op.put(keys.record(signed.record().address().toString()), ByteSequence.from(signed.toBytes()),
                    PutOption.builder().withLeaseId(lease.id()).build()));
            TxnResponse response = call("register " + signed.record().address(), client.getKVClient().txn()
                    .If(new Cmp(bindingKey, Cmp.Op.EQUAL, CmpTarget.modRevision(seen)))
                    .Then(writes.toArray(Op[]::new)).commit());
            if (response.isSucceeded()) {
                return response.getHeader().getRevision();
            }
        }
        throw SharedDirectoryStore.unavailable("hostname '" + name + "' kept changing in etcd", null);
    }

    @Override
    public long remove(SignedRecord signed, HostnameBinding released) {
        PilotAddress address = signed.record().address();
        Long put = ownPuts.get(address);
        if (put == null) {
            return 0; // put again by another backbone since: its node is attached there now
        }
        ByteSequence recordKey = keys.record(address.toString());
        List<Op> writes = new ArrayList<>();
        writes.add(Op.delete(recordKey, DeleteOption.DEFAULT));
        if (released != null) {
            writes.add(Op.put(keys.hostname(released.hostname()), ByteSequence.from(StoredValues.binding(released)),
                    PutOption.DEFAULT));
        }
        TxnResponse response = call("remove " + address, client.getKVClient().txn()
                .If(new Cmp(recordKey, Cmp.Op.EQUAL, CmpTarget.modRevision(put)))
                .Then(writes.toArray(Op[]::new)).commit());
        return response.isSucceeded() ? response.getHeader().getRevision() : 0;
    }

    @Override
    public long forgetBinding(HostnameBinding released) {
        ByteSequence bindingKey = keys.hostname(released.hostname());
        TxnResponse response = call("forget hostname '" + released.hostname() + "'", client.getKVClient().txn()
                .If(new Cmp(bindingKey, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(StoredValues.binding(released)))))
                .Then(Op.delete(bindingKey, DeleteOption.DEFAULT)).commit());
        return response.isSucceeded() ? response.getHeader().getRevision() : 0;
    }

    @Override
    public long createGroup(GroupDefinition group, Check<GroupDefinition> existing) {
        ByteSequence groupKey = keys.group(group.name());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            GetResponse current = call("read group '" + group.name() + "'", client.getKVClient().get(groupKey));
            long seen = 0;
            GroupDefinition stored = null;
            if (!current.getKvs().isEmpty()) {
                KeyValue kv = current.getKvs().get(0);
                seen = kv.getModRevision();
                stored = storedValue("group", kv, () -> StoredValues.group(group.name(), kv.getValue().getBytes()));
            }
            existing.admit(stored);
            TxnResponse response = call("create group '" + group.name() + "'", client.getKVClient().txn()
                    .If(new Cmp(groupKey, Cmp.Op.EQUAL, CmpTarget.modRevision(seen)))
                    .Then(Op.put(groupKey, ByteSequence.from(StoredValues.group(group)), PutOption.DEFAULT)).commit());
            if (response.isSucceeded()) {
                return response.getHeader().getRevision();
            }
        }
        throw SharedDirectoryStore.unavailable("group '" + group.name() + "' kept changing in etcd", null);
    }

    @Override
    public void announceRelay(List<InetSocketAddress> endpoints) {
        relayEndpoints = List.copyOf(endpoints);
        announce();
    }

    /** Puts this backbone's relay endpoints under its current lease: they go when it goes. */
    private void announce() {
        List<InetSocketAddress> endpoints = relayEndpoints;
        if (endpoints.isEmpty()) {
            return;
        }
        try {
            call("announce this backbone's relay endpoints", client.getKVClient().put(keys.backbone(lease.id()),
                    EtcdKeys.bytes(BackboneAttachments.value(endpoints)), PutOption.builder().withLeaseId(lease.id()).build()));
            announced = true;
            log.info("relay endpoints {} of this backbone announced under etcd lease {}", BackboneAttachments.value(endpoints),
                    Long.toHexString(lease.id()));
        } catch (DirectoryException e) {
            log.warn("this backbone's relay endpoints could not be announced ({}): other backbones cannot relay to its"
                    + " nodes until they are; retried at the next lease refresh", e.getMessage());
        }
    }

    @Override
    public InetSocketAddress backboneOf(PilotAddress node) {
        return attachments.backboneOf(node);
    }

    /** Puts the records of this backbone's nodes again, under its new lease (the old one lapsed in etcd). */
    private void putAgain(Collection<SignedRecord> records) {
        for (SignedRecord signed : records) {
            call("put " + signed.record().address() + " again", client.getKVClient().put(
                    keys.record(signed.record().address().toString()), ByteSequence.from(signed.toBytes()),
                    PutOption.builder().withLeaseId(lease.id()).build()));
        }
        log.info("{} records of this backbone's nodes put again under its new etcd lease", records.size());
    }

    private <T> T storedValue(String what, KeyValue kv, Supplier<T> decode) {
        try {
            return decode.get();
        } catch (IllegalArgumentException e) {
            String key = kv.getKey().toString(StandardCharsets.UTF_8);
            log.warn("etcd key '{}' holds no valid {} ({}); refusing to overwrite it", key, what, e.getMessage());
            throw new DirectoryException(DirectoryError.STORE_UNAVAILABLE, "the stored " + what + " at etcd key '" + key
                    + "' is not valid (" + e.getMessage() + "); an operator must repair or delete it");
        }
    }

    /** Waits for one etcd call, turning every failure into a refusal that says etcd cannot be reached. */
    private <T> T call(String what, CompletableFuture<T> call) {
        return EtcdCalls.await(call, location, what);
    }

    @Override
    public void close() {
        closed = true;
        Watch.Watcher current = watcher;
        if (current != null) {
            current.close();
        }
        lease.close();
        feed.shutdownNow();
        client.close();
    }
}
