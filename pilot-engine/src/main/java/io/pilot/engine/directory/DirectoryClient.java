package io.pilot.engine.directory;

import io.pilot.engine.PeerContact;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.address.Ports;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.Message;
import io.pilot.engine.schema.CapabilitySchema;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's side of the backbone: publishes its signed record, keeps the lease alive, looks other nodes up
 * (verifying every record it receives), watches for changes, and lets the node reach any registered
 * address directly. Records it has seen are cached, so lookups keep answering and established tunnels keep
 * working while the backbone is down; when it returns, the client registers again by itself.
 *
 * <p>A facade: {@link BackboneLink} reaches the backbone, {@link Registration} keeps the node registered,
 * {@link Lookups} finds nodes, {@link Watches} follows changes, {@link PunchRequests} opens direct paths and
 * {@link Groups} changes memberships; this class wires them to the node.
 */
public final class DirectoryClient implements AutoCloseable {

    /** The longest first wait before registering again while the backbone does not answer, unless told otherwise. */
    public static final Duration DEFAULT_FIRST_RETRY = Duration.ofMillis(500);
    /** The longest wait between registration attempts, unless told otherwise. */
    public static final Duration DEFAULT_LONGEST_RETRY = Duration.ofSeconds(30);

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

    /**
     * What a watch hears. Pushed events are told one at a time for all of the client's watches, on a handler thread
     * (or on the directory's timer thread, for events released after waiting for one they follow), in the backbone's
     * order, per node and across nodes (an event that overtook the one before it on the way waits for it, up to a
     * second); a watch's snapshot, and what a renewal replays or finds changed, on the thread that completed the
     * backbone's reply. A listener that blocks holds up every watch's events behind it, so hand slow work elsewhere; one
     * that throws is logged, and the events after it are still told.
     */
    public interface WatchListener {
        void joined(NodeRecord record);

        void updated(NodeRecord record);

        void left(NodeRecord record);
    }

    /** A live watch; close it to stop. */
    public static final class WatchHandle implements AutoCloseable {
        private final Runnable close;

        private WatchHandle(Runnable close) {
            this.close = close;
        }

        @Override
        public void close() {
            close.run();
        }
    }

    private final PilotNode node;
    private final ClientSettings settings;
    private final BackboneLink backbone;
    private final Lookups lookups;
    private final Watches watches;
    private final LiveQueries live;
    private final Registration registration;
    private final PunchRequests punches;
    private final Groups groups;
    private final AutoCloseable eventListener;
    private final AutoCloseable schemaService;
    private final SchemaFetcher schemas;
    private volatile boolean closed;

    private DirectoryClient(PilotNode node, ClientSettings settings, Membership membership, int liveQueries,
                            RetryBackoff backoff, SchemaPublication publication) {
        this.node = node;
        this.settings = settings;
        // A node this one knows that published other endpoints is reached there next time, not at its old ones.
        RecordCache cache = new RecordCache(this::followMove);
        this.backbone = new BackboneLink(node, settings);
        // In a realm with a join token a lookup waits for this node's own registration, which the backbone asks first.
        BackboneCall reads = new ReadsAfterRegistration(backbone, this::firstRegistered, this::registered,
                settings.requestTimeout());
        this.lookups = new Lookups(reads, cache, node.address().realm());
        this.watches = new Watches(backbone, lookups, cache, DirectoryTimer.TIMER);
        this.live = new LiveQueries(watches, lookups, liveQueries);
        this.registration = new Registration(node, settings, membership, backbone, lookups, watches, backoff);
        this.punches = new PunchRequests(node, backbone, () -> registration.status() == Status.REGISTERED);
        this.groups = new Groups(backbone, registration);
        this.eventListener = node.listenInOrder(DirectoryProtocol.EVENTS_PORT, new BackboneEvents(backbone::isBackbone, watches, punches));
        this.schemaService = node.listen(Ports.SCHEMAS, publication);
        this.schemas = new SchemaFetcher(node, settings.requestTimeout());
        node.setResolver(this::resolveContact);
    }

    /** The record of a node that moved: if this node knows it, its next handshake goes to the new endpoints. */
    private void followMove(NodeRecord record) {
        List<InetSocketAddress> direct = Lookups.directEndpoints(record);
        if (!direct.isEmpty() && !record.address().equals(node.address())) {
            node.updateContact(new PeerContact(record.key(), direct)).whenComplete((known, error) -> {
                if (Boolean.TRUE.equals(known)) {
                    log.debug("{} published other endpoints {}: its next handshake goes there", record.address(), direct);
                }
            });
        }
    }

    public static Builder builder(PilotNode node) {
        return new Builder(node);
    }

    /**
     * Connects to the backbone and registers; completes once the node is discoverable. If the backbone
     * cannot be reached the future fails, and the client keeps trying in the background.
     */
    public CompletableFuture<NodeRecord> start() {
        return registration.start();
    }

    /**
     * Completes with this node's record once it has registered, however many attempts after {@link #start} that
     * took (the backbone may be away at first); fails if the backbone refused the start's registration, or the
     * client closed first.
     */
    public CompletableFuture<NodeRecord> registered() {
        return registration.registered();
    }

    private boolean firstRegistered() {
        return registration.firstRegistered();
    }

    /** The node this client registers. */
    public PilotNode node() {
        return node;
    }

    public Status status() {
        return registration.status();
    }

    /** Why the backbone is unreachable, or empty. */
    public String lastError() {
        return registration.lastError();
    }

    /** The backbone's address, once its key is known. */
    public Optional<PilotAddress> backbone() {
        return backbone.address();
    }

    /** The UDP endpoint of the backbone this node is attached to (one of those configured), while it is. */
    public Optional<InetSocketAddress> backboneEndpoint() {
        return backbone.endpoint();
    }

    /** The backbone key this client pins, if one was configured (none: trust on first use). */
    public Optional<NodeKey> backboneKey() {
        return Optional.ofNullable(settings.backboneKey());
    }

    /** This node's published record, once registered. */
    public Optional<NodeRecord> record() {
        return registration.record();
    }

    /** This node's address as the backbone sees it from outside (its NAT's public side, if any). */
    public Optional<InetSocketAddress> reflexiveEndpoint() {
        return registration.reflexiveEndpoint();
    }

    /** The live node with this hostname. Answers from the cache when the backbone is unreachable. */
    public CompletableFuture<NodeRecord> lookup(String hostname) {
        return lookups.lookup(hostname);
    }

    /** The live node at this address. */
    public CompletableFuture<NodeRecord> lookup(PilotAddress address) {
        return lookups.lookup(address);
    }

    /** Every live provider of a capability, as the backbone says now (or the cache, while it is away). */
    public CompletableFuture<List<NodeRecord>> find(String capability) {
        return lookups.find(capability);
    }

    /**
     * The description and schemas {@code provider} publishes for {@code capability}: read from its signed record,
     * or, when the record names the schema document only by its digest, fetched from the provider and believed only
     * if it matches (then kept). Empty if the provider publishes no schema (an agent older than schemas, or one
     * that registered bare names). Fails with {@link io.pilot.engine.schema.SchemaException} for a document that is
     * invalid or does not match its digest, with {@link IllegalArgumentException} if the provider does not offer it.
     */
    public CompletableFuture<Optional<CapabilitySchema>> schema(NodeRecord provider, String capability) {
        return schemas.schema(provider, Names.checkCapability(capability));
    }

    /**
     * Every live provider of a capability, for choosing one to call: answered from memory by a watch on the
     * capability that the first call opens and later calls share (see {@link Builder#liveQueries(int)}), so a
     * call to a known provider asks nothing of the backbone. The first call waits for the watch's snapshot; if
     * the watch cannot be opened this is {@link #find(String)}, and the watch is tried again later.
     */
    public CompletableFuture<List<NodeRecord>> providers(String capability) {
        return live.records(Query.CAPABILITY, Names.checkCapability(capability));
    }

    /**
     * The skills (capabilities, with their descriptions and providers) that {@code search} selects, as the backbone
     * says now. One exact name asks the backbone's index; a glob reads every live record, so it costs a transfer of
     * the whole directory: for people and tools looking around, not for a call path.
     */
    public CompletableFuture<List<SkillSearch.Skill>> skills(SkillSearch search) {
        return search.exactName().map(lookups::find).orElseGet(lookups::all).thenApply(search::select);
    }

    /** Every live member of a group. */
    public CompletableFuture<List<NodeRecord>> members(String group) {
        return lookups.members(group);
    }

    /**
     * Resolves a hostname or an address ({@code N:XXXX.XXXX.XXXX}) to the live node's address, making the node
     * reachable: a request to it then connects directly. Answered like {@link #providers(String)}: from a watch
     * on the name that the first resolution opens, so resolving a known node asks nothing of the backbone, and a
     * node that leaves or moves is known by push. Fails with {@link DirectoryError#NOT_FOUND} if no live node
     * has that name.
     */
    public CompletableFuture<PilotAddress> resolve(String hostnameOrAddress) {
        boolean address = hostnameOrAddress.indexOf(':') >= 0; // addresses always hold a ':', hostnames never do
        String name = address ? PilotAddress.parse(hostnameOrAddress).toString() : Names.checkHostname(hostnameOrAddress);
        return live.records(address ? Query.ADDRESS : Query.HOSTNAME, name).thenApply(records -> records.stream()
                .findFirst().map(NodeRecord::address).orElseThrow(() -> new DirectoryException(DirectoryError.NOT_FOUND,
                        "no live node " + (address ? "at " : "is called ") + name)));
    }

    /** Sends a request to a service on a node named by hostname or address. */
    public CompletableFuture<Message> request(String hostnameOrAddress, int port, Message message) {
        return resolve(hostnameOrAddress).thenCompose(address -> node.request(new PilotSocketAddress(address, port), message));
    }

    /**
     * Creates a group this node owns, with its admission policy ({@code token} only for
     * {@link GroupPolicy#TOKEN}). Invitations for an invitation group are made with
     * {@code Invitation.create} by the owner.
     */
    public CompletableFuture<Void> createGroup(String group, GroupPolicy policy, byte[] token) {
        return groups.create(group, policy, token);
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
        return groups.join(group, credential);
    }

    /**
     * Removes a group from this node's record and publishes the record at once; completes with it (also
     * when the node was not a member). If the backbone cannot be reached the groups stay as they were and
     * the future fails.
     */
    public CompletableFuture<NodeRecord> leaveGroup(String group) {
        return groups.leave(group);
    }

    /**
     * Watches what {@code query} selects ({@link Query#ALL} ignores {@code value}); the listener first hears a
     * {@code joined} for every current match, then every change as the backbone pushes it.
     */
    public CompletableFuture<WatchHandle> watch(Query query, String value, WatchListener listener) {
        return watches.watch(query, value, listener).thenApply(watch -> new WatchHandle(() -> watches.close(watch)));
    }

    /** The node's resolver: a node's direct endpoints, while the backbone asks it to punch towards us. */
    private CompletableFuture<PeerContact> resolveContact(PilotAddress address) {
        return lookups.recordOf(address).thenApply(record -> {
            punches.request(address);
            return Lookups.directContact(record);
        });
    }

    /**
     * Deregisters (so peers hear at once that this node is gone and stop choosing it) and stops heartbeats and
     * retries, but keeps lookups and watches working: the first step of a graceful stop, while the node still
     * finishes its work in progress, which may call others. Idempotent; {@link #close} does it too.
     */
    public void deregister() {
        registration.close();
    }

    /** Deregisters (so peers hear at once that this node is gone), stops heartbeats and closes the watches. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        registration.close();
        live.close();
        node.setResolver(null);
        try {
            eventListener.close();
            schemaService.close();
        } catch (Exception e) {
            log.debug("unlisten failed", e);
        }
    }

    /** Configures a {@link DirectoryClient}. Required: the backbone's endpoint and this node's hostname. */
    public static final class Builder {
        private final PilotNode node;
        private List<InetSocketAddress> backboneEndpoints;
        private NodeKey backboneKey;
        private String hostname;
        private final SchemaPublication capabilities = new SchemaPublication();
        private final SortedSet<String> groups = new TreeSet<>();
        private String joinToken;
        private final Map<String, byte[]> groupCredentials = new LinkedHashMap<>();
        private Duration recordLifetime = Duration.ofHours(1);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private int liveQueries = 32;
        private long maxReplySize = ClientSettings.DEFAULT_MAX_REPLY_SIZE;
        private Duration firstRetry = DEFAULT_FIRST_RETRY;
        private Duration longestRetry = DEFAULT_LONGEST_RETRY;

        private Builder(PilotNode node) {
            this.node = Objects.requireNonNull(node, "node");
        }

        /** The backbone's UDP endpoint, and its key to pin (null: trust on first use, with a warning). */
        public Builder backbone(InetSocketAddress endpoint, NodeKey key) {
            return backbones(List.of(Objects.requireNonNull(endpoint, "endpoint")), key);
        }

        /**
         * The UDP endpoints of the realm's backbones (which share one key, pinned here unless null). The client
         * attaches to one, starting from one picked by this node's address so that nodes spread over them, and
         * when it stops answering moves to the next in this order, before its lease there lapses.
         *
         * @throws IllegalArgumentException if {@code endpoints} is empty or names one endpoint twice
         */
        public Builder backbones(List<InetSocketAddress> endpoints, NodeKey key) {
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("no backbone endpoint given");
            }
            if (Set.copyOf(endpoints).size() != endpoints.size()) {
                throw new IllegalArgumentException("a backbone endpoint is listed twice: " + endpoints);
            }
            this.backboneEndpoints = List.copyOf(endpoints);
            this.backboneKey = key;
            return this;
        }

        public Builder hostname(String hostname) {
            this.hostname = Names.checkHostname(hostname);
            return this;
        }

        /** A capability with metadata of the caller's own; its name must not be published twice. */
        public Builder capability(CapabilityInfo capability) {
            this.capabilities.add(capability);
            return this;
        }

        /**
         * A capability with its description (empty for none) and schemas: the record carries the schema document
         * inline while it is small, else its digest, and this client serves the document on {@link Ports#SCHEMAS}.
         *
         * @throws IllegalArgumentException if the description is longer than a record allows, or the name is published twice
         */
        public Builder capability(String name, String description, CapabilitySchema schema) {
            this.capabilities.add(Names.checkCapability(name), Objects.requireNonNull(description, "description"),
                    Objects.requireNonNull(schema, "schema"));
            return this;
        }

        public Builder capability(String name) {
            return capability(CapabilityInfo.of(name));
        }

        public Builder group(String group) {
            this.groups.add(Names.checkGroup(group));
            return this;
        }

        /**
         * The realm's join token, if the backbone requires one; null for none.
         *
         * @throws IllegalArgumentException if it is blank or longer than {@link Names#MAX_JOIN_TOKEN} bytes (the
         *         message does not quote it)
         */
        public Builder joinToken(String token) {
            this.joinToken = token == null ? null : Names.checkJoinToken(token);
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

        /**
         * Most hostnames, addresses and capabilities kept watched for {@link #resolve} and {@link #providers}
         * (the least recently used one's watch is closed to make room); default 32, half the backbone's default
         * limit of watches per node. 0 asks the backbone every time.
         */
        public Builder liveQueries(int watches) {
            if (watches < 0) {
                throw new IllegalArgumentException("liveQueries must not be negative");
            }
            this.liveQueries = watches;
            return this;
        }

        /**
         * The largest directory reply this client reads, in bytes: a lookup or watch whose records do not fit one
         * message comes in pages (docs/PROTOCOL.md §7.1), and a reply growing past this is refused and its stream
         * cancelled. Default 256 MiB, about 400,000 records of a typical size; at most {@code Integer.MAX_VALUE - 8}.
         *
         * @throws IllegalArgumentException if not positive or above that
         */
        public Builder maxReplySize(long bytes) {
            if (bytes <= 0 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxReplySize must be from 1 to " + (Integer.MAX_VALUE - 8)
                        + " bytes, not " + bytes);
            }
            this.maxReplySize = bytes;
            return this;
        }

        /**
         * How long to wait between attempts to register while the backbone cannot be reached: the first wait
         * is at most {@code first}, each next one up to twice as long, never more than {@code longest}, each
         * drawn at random between half of that and all of it. Default 500 ms to 30 s.
         *
         * @throws IllegalArgumentException if {@code first} is not positive or {@code longest} is below it
         */
        public Builder retryBackoff(Duration first, Duration longest) {
            new RetryBackoff(first, longest, new SplittableRandom()); // checks them now, not at the first outage
            this.firstRetry = first;
            this.longestRetry = longest;
            return this;
        }

        public DirectoryClient build() {
            if (backboneEndpoints == null || hostname == null) {
                throw new IllegalStateException("a directory client needs the backbone's endpoint and a hostname");
            }
            return new DirectoryClient(node, new ClientSettings(backboneEndpoints, backboneKey, hostname, capabilities.capabilities(),
                    joinToken, recordLifetime, requestTimeout, maxReplySize), new Membership(groups, groupCredentials), liveQueries,
                    new RetryBackoff(firstRetry, longestRetry, new SplittableRandom()), capabilities);
        }
    }
}
