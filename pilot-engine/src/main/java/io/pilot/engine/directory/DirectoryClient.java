package io.pilot.engine.directory;

import io.pilot.engine.PeerContact;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.netty.util.concurrent.DefaultThreadFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's side of the backbone: publishes its signed record, keeps the lease alive, looks other nodes up
 * (verifying every record it receives), watches for changes, and lets the node reach any registered
 * address directly. Records it has seen are cached, so lookups keep answering and established tunnels keep
 * working while the backbone is down; when it returns, the client registers again by itself.
 */
public final class DirectoryClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirectoryClient.class);

    /** Where the client stands with the backbone. */
    public enum Status {
        /** Not yet registered. */
        STARTING,
        /** Registered, lease alive. */
        REGISTERED,
        /** The backbone does not answer; cached records still serve, registration is retried. */
        BACKBONE_UNREACHABLE
    }

    /** A punch request makes this node send handshakes; bound how many places one request can aim them at. */
    private static final int MAX_PUNCH_TARGETS = 8;

    private final PilotNode node;
    private final Settings settings;
    private final RecordCache cache = new RecordCache();
    private final Map<Integer, WatchHandle> watches = new ConcurrentHashMap<>();
    private final OrphanEvents orphans = new OrphanEvents();
    /**
     * One timer thread for every client in the process: heartbeats are tiny and rare, and a JVM that hosts
     * many agents (tests, simulations) should not pay a thread for each.
     */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("pilot-directory", true));
    private final AutoCloseable eventListener;
    private volatile PilotAddress backbone;
    private volatile Status status = Status.STARTING;
    private volatile String lastError = "";
    private volatile InetSocketAddress reflexive;
    private volatile SignedRecord published;
    /** Replaced whole by {@link #joinGroup} and {@link #leaveGroup}; read once per registration. */
    private volatile Membership membership;
    private volatile long heartbeatMillis;
    private long backboneEpoch;
    private ScheduledFuture<?> heartbeat;
    private long sequence;
    private volatile boolean closed;

    private DirectoryClient(PilotNode node, Settings settings, Membership membership) {
        this.node = node;
        this.settings = settings;
        this.membership = membership;
        this.eventListener = node.listen(DirectoryProtocol.EVENTS_PORT, new EventReceiver());
        node.setResolver(this::resolveContact);
    }

    public static Builder builder(PilotNode node) {
        return new Builder(node);
    }

    /**
     * Connects to the backbone and registers; completes once the node is discoverable. If the backbone
     * cannot be reached the future fails, and the client keeps trying in the background.
     */
    public CompletableFuture<NodeRecord> start() {
        return registerNow().whenComplete((record, error) -> {
            // A refusal (bad token, hostname taken...) will not change by retrying; an outage may.
            if (error != null && !closed && !(unwrap(error) instanceof DirectoryException)) {
                scheduleRetry(unwrap(error));
            }
        });
    }

    /** The node this client registers. */
    public PilotNode node() {
        return node;
    }

    public Status status() {
        return status;
    }

    /** Why the backbone is unreachable, or empty. */
    public String lastError() {
        return lastError;
    }

    /** The backbone's address, once its key is known. */
    public Optional<PilotAddress> backbone() {
        return Optional.ofNullable(backbone);
    }

    /** The backbone key this client pins, if one was configured (none: trust on first use). */
    public Optional<NodeKey> backboneKey() {
        return Optional.ofNullable(settings.backboneKey);
    }

    /** This node's published record, once registered. */
    public Optional<NodeRecord> record() {
        return Optional.ofNullable(published).map(SignedRecord::record);
    }

    /** This node's address as the backbone sees it from outside (its NAT's public side, if any). */
    public Optional<InetSocketAddress> reflexiveEndpoint() {
        return Optional.ofNullable(reflexive);
    }

    // ---------------------------------------------------------------------------------------------
    // Lookups

    /** The live node with this hostname. Answers from the cache when the backbone is unreachable. */
    public CompletableFuture<NodeRecord> lookup(String hostname) {
        Names.checkHostname(hostname);
        return query(Query.HOSTNAME, hostname).thenApply(records -> records.stream().findFirst()
                .orElseThrow(() -> new DirectoryException(DirectoryError.NOT_FOUND, "no live node is called '" + hostname + "'")));
    }

    /** The live node at this address. */
    public CompletableFuture<NodeRecord> lookup(PilotAddress address) {
        return query(Query.ADDRESS, address.toString()).thenApply(records -> records.stream().findFirst()
                .orElseThrow(() -> new DirectoryException(DirectoryError.NOT_FOUND, "no live node at " + address)));
    }

    /** Every live provider of a capability. */
    public CompletableFuture<List<NodeRecord>> find(String capability) {
        return query(Query.CAPABILITY, Names.checkCapability(capability));
    }

    /** Every live member of a group. */
    public CompletableFuture<List<NodeRecord>> members(String group) {
        return query(Query.GROUP, Names.checkGroup(group));
    }

    /**
     * Resolves a hostname or an address ({@code N:XXXX.XXXX.XXXX}) to the node's address, making the node
     * reachable: a request to it then connects directly.
     */
    public CompletableFuture<PilotAddress> resolve(String hostnameOrAddress) {
        if (hostnameOrAddress.indexOf(':') >= 0) {
            PilotAddress address = PilotAddress.parse(hostnameOrAddress);
            return lookup(address).thenApply(NodeRecord::address);
        }
        return lookup(hostnameOrAddress).thenApply(NodeRecord::address);
    }

    /** Sends a request to a service on a node named by hostname or address. */
    public CompletableFuture<Message> request(String hostnameOrAddress, int port, Message message) {
        return resolve(hostnameOrAddress).thenCompose(address -> node.request(new PilotSocketAddress(address, port), message));
    }

    private CompletableFuture<List<NodeRecord>> query(Query query, String value) {
        return call(new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(query.ordinal()).string8(value).toBytes(),
                reader -> {
                    List<NodeRecord> found = readRecords(reader);
                    reader.end();
                    // Only what was asked for: the backbone chooses what to return, never what it says.
                    return found.stream().filter(r -> RecordCache.matches(r, query, value)).toList();
                })
                .exceptionally(error -> {
                    Throwable cause = unwrap(error);
                    if (cause instanceof DirectoryException refusal) {
                        throw refusal;
                    }
                    List<NodeRecord> cached = cache.find(query, value, System.currentTimeMillis());
                    if (cached.isEmpty()) {
                        throw new DirectoryException(DirectoryError.NOT_FOUND, "the backbone is unreachable ("
                                + cause.getMessage() + ") and nothing is cached for " + query + " " + value);
                    }
                    return cached;
                });
    }

    private List<NodeRecord> readRecords(BinaryReader reader) {
        long count = reader.u32();
        List<NodeRecord> records = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            records.add(accept(reader.bytes16()));
        }
        return records;
    }

    /**
     * Verifies a record from the backbone (signature, realm, expiry) and caches it. A backbone cannot forge
     * records; this also keeps it from handing over stale or foreign ones.
     */
    private NodeRecord accept(byte[] bytes) {
        SignedRecord signed = SignedRecord.decode(bytes);
        NodeRecord record = signed.record();
        if (record.realm() != node.address().realm()) {
            throw new RecordException("the backbone returned a record of realm " + record.realm());
        }
        if (record.expiresAtMillis() <= System.currentTimeMillis()) {
            throw new RecordException("the backbone returned an expired record of " + record.address());
        }
        cache.put(signed);
        return record;
    }

    private CompletableFuture<PeerContact> resolveContact(PilotAddress address) {
        Optional<NodeRecord> cached = cache.get(address, System.currentTimeMillis());
        CompletableFuture<NodeRecord> record = cached.isPresent() ? CompletableFuture.completedFuture(cached.get())
                : lookup(address);
        return record.thenApply(r -> {
            requestPunch(address);
            // Relay endpoints are not the node: its traffic reaches it through our own relay when direct fails.
            List<InetSocketAddress> direct = r.endpoints().stream().filter(e -> e.kind() != Endpoint.Kind.RELAY)
                    .map(Endpoint::address).distinct().toList();
            if (direct.isEmpty()) {
                throw new DirectoryException(DirectoryError.NOT_FOUND, address + " publishes no direct endpoint");
            }
            return new PeerContact(r.key(), direct);
        });
    }

    /** Asks the backbone to tell the target to send handshakes at us too, which opens paths through NATs. */
    private void requestPunch(PilotAddress target) {
        if (backbone == null || target.equals(backbone) || status != Status.REGISTERED) {
            return;
        }
        call(new BinaryWriter().u8(DirectoryProtocol.OP_PUNCH).u16(target.realm()).u64(target.node()).toBytes(), IGNORE)
                .whenComplete((reply, error) -> {
                    if (error != null) {
                        log.debug("punch request for {} failed: {}", target, unwrap(error).getMessage());
                    }
                });
    }

    /**
     * Creates a group this node owns, with its admission policy ({@code token} only for
     * {@link DirectoryProtocol.GroupPolicy#TOKEN}). Invitations for an invitation group are made with
     * {@code Invitation.create} by the owner.
     */
    public CompletableFuture<Void> createGroup(String group, DirectoryProtocol.GroupPolicy policy, byte[] token) {
        byte[] request = new BinaryWriter().u8(DirectoryProtocol.OP_CREATE_GROUP).string8(Names.checkGroup(group))
                .u8(policy.ordinal()).bytes16(token == null ? new byte[0] : token).toBytes();
        return call(request, reader -> {
            reader.end();
            return null;
        });
    }

    /**
     * Adds a group to this node's record and publishes the record at once; completes with it. The change
     * lasts as long as this client: nothing is persisted. If the backbone refuses (the group needs a token
     * or an invitation: {@link DirectoryError#GROUP_DENIED}) or cannot be reached, the groups stay as they
     * were and the future fails.
     *
     * @param credential the group's token or its owner's invitation; null for an open group
     */
    public CompletableFuture<NodeRecord> joinGroup(String group, byte[] credential) {
        Names.checkGroup(group);
        return changeMembership(current -> current.with(group, credential));
    }

    /**
     * Removes a group from this node's record and publishes the record at once; completes with it (also
     * when the node was not a member). If the backbone cannot be reached the groups stay as they were and
     * the future fails.
     */
    public CompletableFuture<NodeRecord> leaveGroup(String group) {
        Names.checkGroup(group);
        return changeMembership(current -> current.without(group));
    }

    private CompletableFuture<NodeRecord> changeMembership(UnaryOperator<Membership> change) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the directory client is closed"));
        }
        Membership before;
        Membership after;
        synchronized (this) {
            before = membership;
            after = change.apply(before);
            membership = after;
        }
        return registerNow().whenComplete((record, error) -> {
            if (error != null) {
                synchronized (this) {
                    // Undo only our own change: a later one replaced it and decides for itself.
                    if (membership == after) {
                        membership = before;
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Watches

    /** What a watch hears. Called in revision order, on the node's handler threads. */
    public interface WatchListener {
        void joined(NodeRecord record);

        void updated(NodeRecord record);

        void left(NodeRecord record);
    }

    /** A live watch; close it to stop. */
    public final class WatchHandle implements AutoCloseable {
        private volatile int id;
        private final Query query;
        private final String value;
        private final WatchListener listener;
        /** The revision of the snapshot this watch started from: older events are already in it. */
        private long appliedRevision;
        /** The newest revision applied per node. */
        private final Map<PilotAddress, Long> revisions = new HashMap<>();
        /** What the listener has been told is there, to tell it the difference after a renewal. */
        private final Map<PilotAddress, NodeRecord> known = new ConcurrentHashMap<>();

        private WatchHandle(int id, Query query, String value, WatchListener listener, long revision) {
            this.id = id;
            this.query = query;
            this.value = value;
            this.listener = listener;
            this.appliedRevision = revision;
        }

        private void joined(NodeRecord record) {
            known.put(record.address(), record);
            listener.joined(record);
        }

        private void updated(NodeRecord record) {
            known.put(record.address(), record);
            listener.updated(record);
        }

        private void left(NodeRecord record) {
            known.remove(record.address());
            listener.left(record);
        }

        /** Subscribes again under a new id and tells the listener what changed while it was not watching. */
        private void renew() {
            subscribe(query, value).thenAccept(snapshot -> {
                synchronized (this) {
                    watches.remove(id);
                    id = snapshot.id();
                    appliedRevision = snapshot.revision();
                    revisions.clear();
                    watches.put(id, this);
                }
                orphans.release(this);
                Map<PilotAddress, NodeRecord> now = new LinkedHashMap<>();
                snapshot.records().forEach(r -> now.put(r.address(), r));
                for (NodeRecord gone : new ArrayList<>(known.values())) {
                    if (!now.containsKey(gone.address())) {
                        left(gone);
                    }
                }
                for (NodeRecord record : now.values()) {
                    NodeRecord before = known.get(record.address());
                    if (before == null) {
                        joined(record);
                    } else if (before.sequence() != record.sequence()) {
                        updated(record);
                    }
                }
            }).exceptionally(error -> {
                log.warn("could not renew a watch on {} {}: {}", query, value, unwrap(error).getMessage());
                return null;
            });
        }

        /**
         * Applies an event unless a newer one about the same node was already applied. Events travel on
         * separate streams and may overtake each other; revisions are global, so gaps are normal. Per node the
         * listener hears changes in order and ends in the backbone's state; across nodes there is no order.
         */
        private synchronized void deliver(PilotAddress about, long revision, Runnable event) {
            if (revision <= revisions.getOrDefault(about, appliedRevision)) {
                return;
            }
            revisions.put(about, revision);
            event.run();
        }

        @Override
        public void close() {
            watches.remove(id);
            call(new BinaryWriter().u8(DirectoryProtocol.OP_UNWATCH).u32(id).toBytes(), IGNORE);
        }
    }

    /**
     * Watches what {@code query} selects ({@link Query#ALL} ignores {@code value}); the listener first hears a
     * {@code joined} for every current match, then every change as the backbone pushes it.
     */
    public CompletableFuture<WatchHandle> watch(Query query, String value, WatchListener listener) {
        Objects.requireNonNull(listener, "listener");
        return subscribe(query, value).thenApply(snapshot -> {
            WatchHandle handle = new WatchHandle(snapshot.id(), query, value, listener, snapshot.revision());
            watches.put(snapshot.id(), handle);
            snapshot.records().forEach(handle::joined);
            orphans.release(handle);
            return handle;
        });
    }

    private record WatchSnapshot(int id, long revision, List<NodeRecord> records) {
    }

    private CompletableFuture<WatchSnapshot> subscribe(Query query, String value) {
        return call(new BinaryWriter().u8(DirectoryProtocol.OP_WATCH).u8(query.ordinal()).string8(value).toBytes(),
                reader -> {
                    int id = (int) reader.u32();
                    long revision = reader.u64();
                    List<NodeRecord> current = readRecords(reader);
                    reader.end();
                    return new WatchSnapshot(id, revision, current);
                });
    }

    /** Receives pushes from the backbone on {@link DirectoryProtocol#EVENTS_PORT}. */
    private final class EventReceiver implements MessageHandler {
        @Override
        public CompletionStage<Message> handle(IncomingMessage in) {
            if (backbone == null || !in.from().equals(backbone)) {
                log.debug("ignoring a directory event from {}, which is not the backbone", in.from());
                return CompletableFuture.completedFuture(null);
            }
            try {
                BinaryReader reader = new BinaryReader(in.message().body());
                int kind = reader.u8();
                int subscription = (int) reader.u32();
                long revision = reader.u64();
                byte[] recordBytes = reader.bytes16();
                if (kind == DirectoryProtocol.EVENT_PUNCH) {
                    InetSocketAddress observed = reader.remaining() > 0 ? reader.socketAddress() : null;
                    reader.end();
                    punchBack(SignedRecord.decode(recordBytes).record(), observed);
                } else {
                    reader.end();
                    dispatch(kind, subscription, revision, recordBytes);
                }
            } catch (RuntimeException e) {
                log.warn("dropping a malformed directory event from the backbone: {}", e.getMessage());
            }
            return CompletableFuture.completedFuture(null);
        }

        private void dispatch(int kind, int subscription, long revision, byte[] recordBytes) {
            SignedRecord signed = SignedRecord.decode(recordBytes);
            if (kind == DirectoryProtocol.EVENT_LEAVE) {
                cache.remove(signed.record());
            } else {
                cache.put(signed);
            }
            WatchHandle handle = watches.get(subscription);
            if (handle == null) {
                orphans.hold(subscription, kind, revision, signed);
                return;
            }
            apply(handle, kind, revision, signed.record());
        }
    }

    private static void apply(WatchHandle handle, int kind, long revision, NodeRecord record) {
        handle.deliver(record.address(), revision, switch (kind) {
            case DirectoryProtocol.EVENT_JOIN -> () -> handle.joined(record);
            case DirectoryProtocol.EVENT_UPDATE -> () -> handle.updated(record);
            default -> () -> handle.left(record);
        });
    }

    /**
     * Events that arrived before the reply to their watch (they travel on separate streams), held briefly
     * so the watch applies them once it is registered.
     */
    private final class OrphanEvents {
        private record Held(int kind, long revision, SignedRecord record, long atMillis) {
        }

        private final Map<Integer, List<Held>> held = new HashMap<>();

        synchronized void hold(int subscription, int kind, long revision, SignedRecord record) {
            long now = System.currentTimeMillis();
            held.values().forEach(list -> list.removeIf(h -> now - h.atMillis() > 10_000));
            held.values().removeIf(List::isEmpty);
            if (held.values().stream().mapToInt(List::size).sum() < 1024) {
                held.computeIfAbsent(subscription, k -> new ArrayList<>()).add(new Held(kind, revision, record, now));
            }
        }

        synchronized void release(WatchHandle handle) {
            List<Held> events = held.remove(handle.id);
            if (events != null) {
                events.forEach(h -> apply(handle, h.kind(), h.revision(), h.record().record()));
            }
        }
    }

    /** Another node asked the backbone for a path to us: send handshakes its way at the same time. */
    private void punchBack(NodeRecord requester, InetSocketAddress observed) {
        if (requester.realm() != node.address().realm()
                || node.peer(requester.address()).map(PeerInfo::established).orElse(false)) {
            return; // already connected: the punch must not move a working path
        }
        List<InetSocketAddress> endpoints = new ArrayList<>();
        if (observed != null) {
            endpoints.add(observed);
        }
        requester.endpoints().stream().filter(e -> e.kind() != Endpoint.Kind.RELAY).forEach(e -> endpoints.add(e.address()));
        List<InetSocketAddress> targets = endpoints.stream().distinct().limit(MAX_PUNCH_TARGETS).toList();
        if (targets.isEmpty()) {
            return;
        }
        node.connect(new PeerContact(requester.key(), targets))
                .whenComplete((peer, error) -> log.debug("punch towards {}: {}", requester.address(),
                        error == null ? "connected" : unwrap(error).getMessage()));
    }

    // ---------------------------------------------------------------------------------------------
    // Registration and leases

    private CompletableFuture<NodeRecord> registerNow() {
        return registerOnce().exceptionallyCompose(error -> {
            if (!(unwrap(error) instanceof DirectoryException refusal) || refusal.error() != DirectoryError.STALE_SEQUENCE) {
                return CompletableFuture.failedFuture(unwrap(error));
            }
            // The backbone holds a newer record of ours: a restart with a clock behind the last one, or a
            // second process with this identity. Continue after the sequence the backbone holds.
            return lookup(node.address()).thenCompose(held -> {
                synchronized (this) {
                    sequence = Math.max(sequence, held.sequence());
                }
                log.warn("the backbone held a newer record of this node (sequence {}); publishing after it", held.sequence());
                return registerOnce();
            });
        });
    }

    private synchronized CompletableFuture<NodeRecord> registerOnce() {
        return connectBackbone().thenCompose(address -> {
            Membership groups = membership;
            SignedRecord signed = sign(endpoints(), groups);
            return call(registerRequest(signed, groups), Lease::read).thenCompose(granted -> {
                noteEpoch(granted.epoch());
                long lease = granted.leaseMillis();
                InetSocketAddress observed = granted.observed();
                registered(signed, lease, observed);
                if (observed != null && signed.record().endpoints().stream().noneMatch(e -> e.address().equals(observed))) {
                    // Publish the reflexive endpoint too: peers outside our network need it.
                    SignedRecord withReflexive = sign(endpoints(), groups);
                    return call(registerRequest(withReflexive, groups), IGNORE).thenApply(again -> {
                        registered(withReflexive, lease, observed);
                        return withReflexive.record();
                    });
                }
                return CompletableFuture.completedFuture(signed.record());
            });
        });
    }

    private byte[] registerRequest(SignedRecord signed, Membership groups) {
        BinaryWriter request = new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER)
                .string8(settings.joinToken == null ? "" : settings.joinToken).u8(groups.credentials().size());
        groups.credentials().forEach((group, credential) -> request.string8(group).bytes16(credential));
        return request.bytes16(signed.toBytes()).toBytes();
    }

    private synchronized void registered(SignedRecord signed, long leaseMillis, InetSocketAddress observed) {
        published = signed;
        reflexive = observed;
        status = Status.REGISTERED;
        lastError = "";
        long interval = Math.max(50, leaseMillis / 3);
        if (heartbeat == null || heartbeatMillis != interval) {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            heartbeatMillis = interval;
            heartbeat = TIMER.scheduleWithFixedDelay(this::heartbeat, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    private void heartbeat() {
        if (closed) {
            return;
        }
        SignedRecord current = published;
        boolean republish = current == null
                || current.record().expiresAtMillis() - System.currentTimeMillis() < settings.recordLifetime.toMillis() / 2;
        CompletableFuture<?> beat = republish ? registerNow()
                : call(new BinaryWriter().u8(DirectoryProtocol.OP_HEARTBEAT).toBytes(), reply -> {
                    reply.u32();
                    long epoch = reply.u64();
                    reply.end();
                    return epoch;
                }).thenAccept(this::noteEpoch);
        beat.whenComplete((ok, error) -> {
            if (error == null) {
                if (status != Status.REGISTERED) {
                    status = Status.REGISTERED;
                    log.info("backbone {} reachable again", backbone);
                }
                return;
            }
            Throwable cause = unwrap(error);
            if (cause instanceof DirectoryException refusal && refusal.error() == DirectoryError.NOT_REGISTERED) {
                registerNow();
            } else {
                unreachable(cause);
            }
        });
    }

    private void unreachable(Throwable cause) {
        if (status != Status.BACKBONE_UNREACHABLE) {
            log.warn("backbone unreachable ({}); cached records keep serving, established tunnels keep working",
                    cause.getMessage());
        }
        status = Status.BACKBONE_UNREACHABLE;
        lastError = cause.getMessage();
        registerNow().whenComplete((record, error) -> {
            if (error == null) {
                log.info("re-registered with backbone {}", backbone);
            }
        });
    }

    private void scheduleRetry(Throwable cause) {
        status = Status.BACKBONE_UNREACHABLE;
        lastError = cause.getMessage();
        TIMER.schedule(() -> {
            if (!closed) {
                start();
            }
        }, 1, TimeUnit.SECONDS);
    }

    /** A reply from a backbone that started anew (another epoch) means its watches are gone: renew them. */
    private synchronized void noteEpoch(long epoch) {
        long previous = backboneEpoch;
        backboneEpoch = epoch;
        if (previous != 0 && previous != epoch && !watches.isEmpty()) {
            log.info("backbone {} restarted; renewing {} watches", backbone, watches.size());
            new ArrayList<>(watches.values()).forEach(WatchHandle::renew);
        }
    }

    private synchronized SignedRecord sign(List<Endpoint> endpoints, Membership groups) {
        long now = System.currentTimeMillis();
        sequence = Math.max(sequence + 1, now);
        NodeRecord record = new NodeRecord(node.address().realm(), node.publicKey(), settings.hostname,
                settings.capabilities, groups.groups(), endpoints, sequence, now + settings.recordLifetime.toMillis());
        return SignedRecord.sign(record, node.identity());
    }

    private List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        InetSocketAddress local = node.localEndpoint();
        if (local.getAddress().isAnyLocalAddress()) {
            LocalAddresses.of(local.getPort()).forEach(a -> endpoints.add(new Endpoint(Endpoint.Kind.LOCAL, a)));
        } else {
            endpoints.add(new Endpoint(Endpoint.Kind.LOCAL, local));
        }
        InetSocketAddress seen = reflexive;
        if (seen != null && endpoints.stream().noneMatch(e -> e.address().equals(seen))) {
            endpoints.add(new Endpoint(Endpoint.Kind.REFLEXIVE, seen));
        }
        if (backbone != null) {
            // Where this node is always reachable through: the backbone's relay.
            endpoints.add(new Endpoint(Endpoint.Kind.RELAY, settings.backboneEndpoint));
        }
        return endpoints;
    }

    private CompletableFuture<PilotAddress> connectBackbone() {
        PilotAddress known = backbone;
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<PeerInfo> connected = settings.backboneKey != null
                ? node.connect(settings.backboneKey, settings.backboneEndpoint)
                : node.connect(settings.backboneEndpoint);
        return connected.thenApply(peer -> {
            if (settings.backboneKey == null) {
                log.warn("trusting backbone key {} at {} on first use; configure it to be sure", peer.key(),
                        settings.backboneEndpoint);
            }
            backbone = peer.address();
            node.useRelay(peer.endpoint(), backbone);
            return backbone;
        });
    }

    /**
     * Sends a directory request to the backbone and reads the reply's status. The timeout covers the whole
     * call, reconnecting included, so a lookup falls back to the cache quickly when the backbone is away.
     */
    private <T> CompletableFuture<T> call(byte[] request, Function<BinaryReader, T> read) {
        return connectBackbone()
                .thenCompose(address -> node.request(new PilotSocketAddress(address, DirectoryProtocol.PORT),
                        Message.of(request), settings.requestTimeout))
                .thenApply(reply -> {
                    try {
                        return read.apply(DirectoryProtocol.readReply(reply.body()));
                    } catch (DecodeException e) {
                        throw DirectoryProtocol.malformed(e);
                    }
                })
                .orTimeout(settings.requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(error -> {
                    Throwable cause = unwrap(error);
                    if (cause instanceof TimeoutException) {
                        throw new PilotException(ErrorCode.TIMEOUT, "the backbone did not answer within "
                                + settings.requestTimeout.toMillis() + " ms");
                    }
                    throw error instanceof CompletionException completion ? completion : new CompletionException(cause);
                });
    }

    /** For replies whose fields the client does not need. */
    private static final Function<BinaryReader, Void> IGNORE = reader -> null;

    /** A register reply: the lease granted, the backbone's epoch and where it sees this node from. */
    private record Lease(long leaseMillis, long epoch, InetSocketAddress observed) {
        static Lease read(BinaryReader reply) {
            long lease = reply.u32();
            reply.u64();
            long epoch = reply.u64();
            InetSocketAddress observed = reply.u8() == 1 ? reply.socketAddress() : null;
            reply.end();
            return new Lease(lease, epoch, observed);
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** Deregisters (so peers hear at once that this node is gone) and stops heartbeats. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (published != null && backbone != null) {
            try {
                call(new BinaryWriter().u8(DirectoryProtocol.OP_DEREGISTER).toBytes(), IGNORE).get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("deregistration failed: {}", e.getMessage());
            }
        }
        synchronized (this) {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
        }
        node.setResolver(null);
        try {
            eventListener.close();
        } catch (Exception e) {
            log.debug("unlisten failed", e);
        }
    }

    /** What the client publishes and where the backbone is. */
    private record Settings(InetSocketAddress backboneEndpoint, NodeKey backboneKey, String hostname,
                            List<CapabilityInfo> capabilities, String joinToken, Duration recordLifetime,
                            Duration requestTimeout) {
    }

    /** Configures a {@link DirectoryClient}. Required: the backbone's endpoint and this node's hostname. */
    public static final class Builder {
        private final PilotNode node;
        private InetSocketAddress backboneEndpoint;
        private NodeKey backboneKey;
        private String hostname;
        private final List<CapabilityInfo> capabilities = new ArrayList<>();
        private final SortedSet<String> groups = new TreeSet<>();
        private String joinToken;
        private final Map<String, byte[]> groupCredentials = new LinkedHashMap<>();
        private Duration recordLifetime = Duration.ofHours(1);
        private Duration requestTimeout = Duration.ofSeconds(5);

        private Builder(PilotNode node) {
            this.node = Objects.requireNonNull(node, "node");
        }

        /** The backbone's UDP endpoint, and its key to pin (null: trust on first use, with a warning). */
        public Builder backbone(InetSocketAddress endpoint, NodeKey key) {
            this.backboneEndpoint = Objects.requireNonNull(endpoint, "endpoint");
            this.backboneKey = key;
            return this;
        }

        public Builder hostname(String hostname) {
            this.hostname = Names.checkHostname(hostname);
            return this;
        }

        public Builder capability(CapabilityInfo capability) {
            this.capabilities.add(capability);
            return this;
        }

        public Builder capability(String name) {
            return capability(CapabilityInfo.of(name));
        }

        public Builder group(String group) {
            this.groups.add(Names.checkGroup(group));
            return this;
        }

        /** The realm's join token, if the backbone requires one. */
        public Builder joinToken(String token) {
            this.joinToken = token;
            return this;
        }

        /** A group's token or an owner's invitation, for groups that are not open. */
        public Builder groupCredential(String group, byte[] credential) {
            this.groupCredentials.put(Names.checkGroup(group), credential.clone());
            return this;
        }

        /** How long a published record may be believed; republished at half of it. Default one hour. */
        public Builder recordLifetime(Duration lifetime) {
            this.recordLifetime = lifetime;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public DirectoryClient build() {
            if (backboneEndpoint == null || hostname == null) {
                throw new IllegalStateException("a directory client needs the backbone's endpoint and a hostname");
            }
            return new DirectoryClient(node, new Settings(backboneEndpoint, backboneKey, hostname, List.copyOf(capabilities),
                    joinToken, recordLifetime, requestTimeout), new Membership(groups, groupCredentials));
        }
    }
}
