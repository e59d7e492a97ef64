package io.pilot.engine.group;

import io.pilot.engine.address.Ports;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.Names;
import io.pilot.engine.message.Message;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Talking to groups and to whoever offers a capability, rather than to one named node. The backbone says
 * who the members or providers are; every message then goes straight over a tunnel to them, as any request
 * does. The backbone is not in the path of an anycast: providers are kept in memory by a watch on the
 * capability, opened by its first anycast (see {@link DirectoryClient#providers}), and a provider that fails
 * as if gone is set aside at once, so the next calls fail over to the others without waiting for the
 * directory to notice. Thread-safe; futures complete on the node's callback threads.
 *
 * <pre>{@code
 * GroupMessaging groups = GroupMessaging.of(client);
 * groups.broadcast("RESEARCH", 2001, Message.of("new paper")).join();          // each member, once
 * AnycastReply fx = groups.anycast("fx.rate", 1001, Message.of("EURUSD")).join(); // one provider
 * try (DirectoryView providers = groups.viewCapability("fx.rate").join()) {       // anycasts now choose
 *     ...                                                                          // without a lookup
 * }
 * }</pre>
 */
public final class GroupMessaging {

    private final RecordSource source;
    private final Broadcaster broadcaster;
    private final Anycaster anycaster;

    private GroupMessaging(Builder builder) {
        this.source = new RecordSource(builder.client);
        this.broadcaster = new Broadcaster(source);
        this.anycaster = new Anycaster(source, builder.policy, builder.maxAttempts,
                new RttProbe(builder.client.node(), builder.probeInterval),
                builder.client.node(), new Quarantine(builder.quarantine));
    }

    /** With the default policy ({@link SelectionPolicy#lowestRtt()}), three attempts and 30 s between probes. */
    public static GroupMessaging of(DirectoryClient client) {
        return builder(client).build();
    }

    public static Builder builder(DirectoryClient client) {
        return new Builder(client);
    }

    /**
     * Sends a one-way message to every live member of {@code group} but this node, directly and once each.
     * Completes when every send has been handed over or has failed, saying which; it fails only if the
     * members cannot be learned at all. Members come from an open {@link #watchMembers view} of the group if
     * there is one, else from the backbone (or the directory cache, when the backbone is away). Each copy
     * carries the group's name in the {@link io.pilot.engine.message.Headers#GROUP} header.
     */
    public CompletableFuture<BroadcastResult> broadcast(String group, int port, Message message) {
        Names.checkGroup(group);
        Ports.check(port);
        return broadcaster.broadcast(group, port, Objects.requireNonNull(message, "message"));
    }

    /**
     * Sends a request to one node (never this one) that offers {@code capability}, chosen by the selection
     * policy; if it cannot be reached another is asked, up to the attempt limit. Providers come from an open
     * {@link #viewCapability view} of the capability if there is one, else from the client's watched copy
     * ({@link DirectoryClient#providers}): the first anycast to a capability waits for the watch's snapshot,
     * later ones ask nothing of the backbone. A provider that was unreachable, lost its connection, had nothing
     * listening or did not answer in time is asked after all others for the {@link Builder#quarantine
     * quarantine}, or until it publishes a newer record.
     *
     * <p>When the chosen provider dies: a request already sent to it ends when the connection is declared lost (the
     * transport's unresponsive timeout, 10 s by default) or at the timeout, whichever comes first. A lost connection
     * (like unreachable, nothing listening or overloaded: the request did not run there) fails over to the next
     * provider, and the dead one is put in quarantine; a timeout is final, since the request may have run. A provider
     * in quarantine whose turn comes anyway (no other is left) is sent the request only once it has answered a ping;
     * while the ping waits, a provider that joins or republishes meanwhile is asked instead. The request is handed
     * to one provider at a time, and to the next only after the last failed in a way that says it did not run there,
     * so it never runs twice.
     *
     * <p>Fails with a {@link io.pilot.engine.message.PilotException}: the provider's error if it was final (a remote
     * failure, a timeout), {@code UNREACHABLE} if no provider was found or none could be reached.
     */
    public CompletableFuture<AnycastReply> anycast(String capability, int port, Message request) {
        return checkedAnycast(null, capability, port, request, null);
    }

    /** {@link #anycast(String, int, Message)} among the members of {@code group} only. */
    public CompletableFuture<AnycastReply> anycast(String group, String capability, int port, Message request) {
        return checkedAnycast(Names.checkGroup(group), capability, port, request, null);
    }

    /**
     * {@link #anycast(String, int, Message)} among the members of {@code group} (null: any provider), answered
     * within {@code timeout}, failovers included: each attempt waits only for what is left of it (its deadline,
     * which the provider enforces), and the anycast fails with {@code DEADLINE_EXCEEDED} (the provider's answer) or
     * {@code TIMEOUT} (no time left for a failover, or no answer at all) once it has run out.
     */
    public CompletableFuture<AnycastReply> anycast(String group, String capability, int port, Message request,
            Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return checkedAnycast(group == null ? null : Names.checkGroup(group), capability, port, request, timeout);
    }

    private CompletableFuture<AnycastReply> checkedAnycast(String group, String capability, int port, Message request,
            Duration timeout) {
        Names.checkCapability(capability);
        Ports.check(port);
        return anycaster.anycast(group, capability, port, Objects.requireNonNull(request, "request"), timeout);
    }

    /**
     * Watches the members of {@code group}: the listener hears a join for each current member, then every
     * change. Until the view is closed, broadcasts to the group read their members from it.
     */
    public CompletableFuture<DirectoryView> watchMembers(String group, MembershipListener listener) {
        return source.open(Query.GROUP, Names.checkGroup(group), listener);
    }

    /**
     * Keeps the providers of {@code capability} in memory, fresh by watch. Until the view is closed, anycasts
     * for the capability choose from it without asking the backbone, and keep working while it is away. Anycasts
     * do the same without one (the client keeps a bounded number of capabilities watched on its own); open a
     * view to read the providers yourself, or to keep a capability watched however many others are called.
     */
    public CompletableFuture<DirectoryView> viewCapability(String capability) {
        return source.open(Query.CAPABILITY, Names.checkCapability(capability), MembershipListener.NONE);
    }

    /** Configures {@link GroupMessaging}. */
    public static final class Builder {
        private final DirectoryClient client;
        private SelectionPolicy policy = SelectionPolicy.lowestRtt();
        private int maxAttempts = 3;
        private Duration probeInterval = Duration.ofSeconds(5);
        private Duration quarantine = Duration.ofSeconds(30);

        private Builder(DirectoryClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** How an anycast ranks its candidates; default {@link SelectionPolicy#lowestRtt()}. */
        public Builder selectionPolicy(SelectionPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Most providers one anycast asks, failovers included; default 3. */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Longest time between two RTT probes of the same provider, pinged while anycasts rank it behind their first
         * choice (unmeasured, or measured slower): its first pings go 100 ms apart, each next one twice as far, up to
         * this. Also how long a probe's figure counts as fresh. Default 5 s.
         */
        public Builder probeInterval(Duration interval) {
            this.probeInterval = Objects.requireNonNull(interval, "probeInterval");
            return this;
        }

        /**
         * How long a provider that failed as if it were gone is asked only after every other; default 30 s, the
         * backbone's default lease, by which time a dead provider has left the directory. Zero disables it.
         */
        public Builder quarantine(Duration quarantine) {
            if (Objects.requireNonNull(quarantine, "quarantine").isNegative()) {
                throw new IllegalArgumentException("quarantine must not be negative");
            }
            this.quarantine = quarantine;
            return this;
        }

        public GroupMessaging build() {
            return new GroupMessaging(this);
        }
    }
}
