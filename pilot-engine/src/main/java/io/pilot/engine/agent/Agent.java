package io.pilot.engine.agent;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.Ports;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.net.ProxySettings;
import io.pilot.engine.control.ControlCommands;
import io.pilot.engine.control.ControlPaths;
import io.pilot.engine.control.ControlServer;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.Names;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.group.GroupMessaging;
import io.pilot.engine.group.SharedGroupPolicy;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.MessageService;
import io.pilot.engine.message.PilotException;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Pilot agent: a node and everything it takes part in, assembled one way for every program that runs one
 * (an application, {@code pilotctl}'s daemon, a standalone backbone). Each part is optional but the node:
 * the handlers it serves, its registration with a backbone (directory client and group messaging), the
 * backbone it runs itself, and its control socket.
 *
 * <p><b>Start</b>, in three steps, each needing the one before:
 * <ol>
 * <li><i>serve</i>: the node binds its UDP socket, the backbone it runs starts, its handlers are bound to
 * their ports; all before anyone can find the node, so the first request that arrives is served;</li>
 * <li><i>register</i>: the directory client registers the node with its hostname, groups and capabilities
 * (completing once it is discoverable), and group messaging is built over it;</li>
 * <li><i>open control</i>: last, so that {@code pilotctl} only ever sees a registered node.</li>
 * </ol>
 * A failure at any step closes everything started so far, then is thrown. An agent built with
 * {@link Builder#startWithoutBackbone} starts even when its backbone does not answer, and registers once it
 * does.
 *
 * <p><b>Stop</b>: deregister first (peers hear at once and stop routing work here), let the requests in
 * progress finish, then refuse new {@linkplain #outgoing outgoing calls} and let those in progress finish (both
 * within one grace period), then close the control socket, the backbone and the node. Outgoing calls are refused
 * only once the served requests are done, because serving a request may take calls of its own.
 */
public final class Agent implements AutoCloseable {

    /** How long stopping waits for requests in progress unless told otherwise. */
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /** How much longer a plain start waits for a registration over the WebSocket it was falling back to. */
    static final Duration WEBSOCKET_ALLOWANCE = Duration.ofSeconds(15);

    private final Builder settings;
    private final BackboneRole backbone;
    private final InFlightRequests inFlight = new InFlightRequests();
    private final OutgoingCalls outgoing = new OutgoingCalls();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private volatile PilotNode node;
    private volatile DirectoryClient directory;
    private volatile GroupMessaging groups;
    private volatile ControlServer control;
    private boolean started;
    private boolean closed;

    private Agent(Builder settings) {
        this.settings = settings;
        this.backbone = settings.backbone == null ? null : settings.backbone.role(settings.webSocket);
    }

    /** An agent around the node {@code node} builds; the agent builds and starts it. */
    public static Builder builder(PilotNode.Builder node) {
        return new Builder(node);
    }

    /**
     * Serves, registers, opens control (see above); returns once the node is discoverable.
     *
     * @throws IllegalStateException if already started or closed
     * @throws RuntimeException saying why the agent could not start (the socket or the store could not be
     *         opened, the backbone refused or did not answer...); whatever was started is closed again
     */
    public synchronized Agent start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "the agent is closed" : "the agent is already started");
        }
        started = true;
        try {
            serve();
            register();
            openControl();
        } catch (RuntimeException e) {
            String overWebSocket = webSocketFailure();
            close();
            RuntimeException failure = startFailure(e);
            throw overWebSocket == null ? failure : new IllegalStateException(failure.getMessage() + "; over WebSocket: "
                    + overWebSocket, failure == e ? e : failure.getCause());
        }
        return this;
    }

    /**
     * Why the WebSocket fallback failed too, if it did (a proxy refusing the credentials, say): a start that failed
     * because the backbone did not answer says so, rather than only that UDP went unanswered. Null if it did not.
     */
    private String webSocketFailure() {
        try {
            return node == null ? null : node.bearers().lastError();
        } catch (RuntimeException closedMeanwhile) {
            return null;
        }
    }

    private void serve() {
        PilotNode built = settings.node.build();
        node = built;
        built.start();
        if (backbone != null) {
            backbone.start(built);
        }
        settings.handlers.forEach((port, handler) -> {
            MessageHandler pooled = inFlight.track(handler.apply(built));
            int limit = settings.concurrencyLimits.getOrDefault(port, Integer.MAX_VALUE);
            Function<PilotNode, MessageService.InlineHandler> onLoop = settings.onLoop.get(port);
            if (onLoop == null) {
                built.listen(port, pooled, limit);
            } else {
                built.listen(port, pooled, limit, onLoop.apply(built));
            }
        });
    }

    private void register() {
        if (!settings.registers()) {
            return;
        }
        DirectoryClient.Builder builder = DirectoryClient.builder(node).hostname(settings.hostname)
                .joinToken(settings.joinToken);
        if (backbone != null && backbone.hasOwnNode()) {
            builder.backbone(backbone.endpoint(), backbone.key());
        } else {
            builder.backbones(settings.backboneEndpoints, settings.backboneKey);
            // The WebSocket fallback starts on the first listed backbone; the directory client moves it to the one
            // it attaches to (BackboneLink, docs/reach.md).
            node.reachBackbone(settings.backboneEndpoints.get(0),
                    settings.proxy != null ? settings.proxy : ProxySettings.fromEnvironment());
        }
        settings.directory.accept(builder);
        directory = builder.build();
        if (settings.sharedGroup != null && settings.backboneWait == null) {
            settings.sharedGroup.bind(directory).join();
        } else if (settings.sharedGroup != null) {
            // Fails closed meanwhile: until it knows the members, the policy lets in the backbone only.
            awaitRegistration(settings.sharedGroup.bindOnceRegistered(directory).whenComplete((own, error) -> {
                if (error != null) {
                    log.warn("the shared-group policy could not learn its groups' members: {}", error.getMessage());
                }
            }), settings.backboneWait);
        } else if (settings.backboneWait == null) {
            awaitFirstRegistration();
        } else {
            awaitRegistration(directory.start(), settings.backboneWait);
        }
        GroupMessaging.Builder messaging = GroupMessaging.builder(directory);
        settings.groups.accept(messaging);
        groups = messaging.build();
    }

    /**
     * A plain start fails if the first registration does, with one allowance: a node whose UDP to the backbone goes
     * unanswered falls back to WebSocket after 2 s of silence, then opens a TCP connection (maybe through a proxy,
     * maybe TLS), all inside the first request's timeout, which a cold JVM on a loaded machine may overrun. So when the
     * first attempt timed out while the node was still opening its WebSocket (or had just opened it), the start waits
     * up to {@link #WEBSOCKET_ALLOWANCE} more for the directory client's next attempt, over the WebSocket. A refusal,
     * or a WebSocket that failed too (a proxy refusing the credentials), fails the start at once.
     */
    private void awaitFirstRegistration() {
        CompletableFuture<NodeRecord> first = directory.start();
        try {
            first.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof DirectoryException || !node.fallingBackToWebSocket()) {
                throw e;
            }
            log.info("the first registration timed out while falling back to WebSocket; waiting up to {} s more",
                    WEBSOCKET_ALLOWANCE.toSeconds());
            try {
                directory.registered().get(WEBSOCKET_ALLOWANCE.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException timedOut) {
                throw e;
            } catch (ExecutionException failed) {
                throw new CompletionException(failed.getCause());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while registering", interrupted);
            }
        }
    }

    /**
     * Waits up to {@code wait} for the first registration. A refusal (a hostname taken, a wrong token) is a
     * mistake that retrying will not mend: it fails the start. An outage is not: the start goes on, and the
     * directory client keeps registering in the background.
     */
    private void awaitRegistration(CompletableFuture<NodeRecord> registering, Duration wait) {
        try {
            registering.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn("the backbone at {} has not answered within {} ms; starting without it, registering once it answers",
                    directory.backboneEndpoint().map(Object::toString).orElse(String.valueOf(settings.backboneEndpoints)),
                    wait.toMillis());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause() : e.getCause();
            if (cause instanceof DirectoryException refusal) {
                throw new CompletionException(refusal); // told as any failed start is: by its cause
            }
            log.warn("the backbone at {} cannot be reached ({}); starting without it, registering once it answers",
                    settings.backboneEndpoints, cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering", e);
        }
    }

    private void openControl() {
        if (!settings.control) {
            return;
        }
        ControlCommands.Builder commands = ControlCommands.builder(node).onStop(this::closeInBackground);
        if (directory != null) {
            commands.directory(directory).groups(groups);
        }
        settings.controlCommands.accept(commands);
        Path socket = settings.controlSocket != null ? settings.controlSocket
                : ControlPaths.defaultSocket(settings.hostname, node.address());
        control = ControlServer.start(socket, commands.build());
    }

    /** A failure inside a future is told by its cause, not by the future's wrapper. */
    private static RuntimeException startFailure(RuntimeException e) {
        if (e instanceof CompletionException && e.getCause() != null) {
            return new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        return e;
    }

    /**
     * The control socket's {@code stop}: it runs on a control worker before the answer is sent, so the agent
     * closes on a thread of its own, once the answer went out.
     */
    private void closeInBackground() {
        Thread stopper = new Thread(this::close, "pilot-agent-stop");
        stopper.setDaemon(false);
        stopper.start();
    }

    /** The node; started once {@link #start} returned. */
    public PilotNode node() {
        PilotNode started = node;
        if (started == null) {
            throw new IllegalStateException("the agent is not started");
        }
        return started;
    }

    /** The directory client, if the agent registers with a backbone and has started. */
    public Optional<DirectoryClient> directory() {
        return Optional.ofNullable(directory);
    }

    /** Broadcast and anycast to the agent's groups and capabilities, if it registers and has started. */
    public Optional<GroupMessaging> groups() {
        return Optional.ofNullable(groups);
    }

    /** The backbone this agent runs, if any, while it runs. */
    public Optional<Backbone> backbone() {
        return backbone == null ? Optional.empty() : Optional.ofNullable(backbone.backbone());
    }

    /** The control socket {@code pilotctl} talks to, if the agent opened one. */
    public Optional<Path> controlSocket() {
        return Optional.ofNullable(control).map(ControlServer::socketPath);
    }

    /**
     * Makes an outgoing call through this agent ({@code node().request}, an anycast, a broadcast...), counted until
     * the future {@code call} returns completes, so that {@link #close} lets it finish before the node closes, from
     * whatever thread it was started. Returns that same future.
     *
     * @throws PilotException {@link ErrorCode#UNREACHABLE} "the agent is stopping" once stopping has let the
     *         served requests finish and waits for outgoing calls; {@code call} is then not run
     */
    public <F extends CompletableFuture<?>> F outgoing(Supplier<F> call) {
        return outgoing.track(call);
    }

    /** Closes the agent when the JVM shuts down (SIGTERM, Ctrl-C, {@code System.exit}). */
    public Agent closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "pilot-agent-shutdown"));
        return this;
    }

    /** Blocks until the agent is closed: by {@link #close}, or by {@code stop} on its control socket. */
    public void awaitClosed() throws InterruptedException {
        closedLatch.await();
    }

    /**
     * Deregisters: peers hear at once that this agent is gone and stop choosing it, while it keeps serving what
     * still arrives and its own calls keep resolving. The first step of {@link #close}, for a caller that
     * has more to drain before it (a web server); idempotent.
     */
    public void deregister() {
        DirectoryClient registered = directory;
        if (registered != null) {
            registered.deregister();
        }
    }

    /**
     * Deregisters, lets served requests and then {@linkplain #outgoing outgoing calls} in progress finish (both
     * within the grace period; new outgoing calls are refused once the served requests are done), then closes the
     * control socket (removing its file), the backbone and the node. Idempotent; a second caller returns once
     * the first is done.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        deregister();
        long deadline = System.nanoTime() + settings.gracePeriod.toNanos();
        if (!inFlight.awaitIdleUntil(deadline)) {
            log.warn("{} requests still in progress after the {} grace period; closing the node anyway",
                    inFlight.count(), settings.gracePeriod);
        }
        outgoing.refuseNew();
        if (!outgoing.awaitIdleUntil(deadline)) {
            log.warn("{} outgoing calls still in progress after the {} grace period; closing the node anyway",
                    outgoing.count(), settings.gracePeriod);
        }
        if (directory != null) {
            directory.close();
        }
        if (control != null) {
            control.close();
        }
        if (backbone != null) {
            backbone.close();
        }
        if (node != null) {
            node.close();
        }
        closedLatch.countDown();
    }

    /**
     * Configures an {@link Agent}. Only the node is required; an agent registers if given a backbone (or
     * runs one beside it), and then needs a hostname.
     */
    public static final class Builder {
        private final PilotNode.Builder node;
        private final Map<Integer, Function<PilotNode, MessageHandler>> handlers = new LinkedHashMap<>();
        private final Map<Integer, Integer> concurrencyLimits = new HashMap<>();
        private final Map<Integer, Function<PilotNode, MessageService.InlineHandler>> onLoop = new HashMap<>();
        private String hostname;
        private List<InetSocketAddress> backboneEndpoints;
        private NodeKey backboneKey;
        private Consumer<DirectoryClient.Builder> directory = builder -> { };
        private String joinToken;
        private SharedGroupPolicy sharedGroup;
        private Consumer<GroupMessaging.Builder> groups = builder -> { };
        private BackboneSpec backbone;
        private boolean control;
        private Path controlSocket;
        private Consumer<ControlCommands.Builder> controlCommands = builder -> { };
        private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
        private Duration backboneWait;
        private WebSocketServing webSocket = WebSocketServing.DEFAULTS;
        private ProxySettings proxy;

        private Builder(PilotNode.Builder node) {
            this.node = Objects.requireNonNull(node, "node");
        }

        /** Serves {@code port} with {@code handler} from the start; stopping waits for its requests. */
        public Builder listen(int port, MessageHandler handler) {
            Objects.requireNonNull(handler, "handler");
            return listenWithNode(port, node -> handler);
        }

        /**
         * Serves {@code port} with the handler {@code handler} makes for the started node, for handlers that
         * ask the node about their callers.
         *
         * @throws IllegalArgumentException if the port is not one, or has a handler already
         */
        public Builder listenWithNode(int port, Function<PilotNode, MessageHandler> handler) {
            Ports.check(port);
            Objects.requireNonNull(handler, "handler");
            if (handlers.putIfAbsent(port, handler) != null) {
                throw new IllegalArgumentException("port " + port + " has a handler already");
            }
            return this;
        }

        /**
         * Asks the handler {@code onLoop} makes for the started node first, on the node's event loop, for every
         * request to {@code port}: what it answers is answered there, with no hand-off to the handler executor and
         * back; it returns null for what the port's handler must answer (see
         * {@link PilotNode#listen(int, MessageHandler, int, MessageService.InlineHandler)}). It must never block.
         * Made after the port's handler, so it may use what that one made.
         *
         * @throws IllegalArgumentException if the port has no handler, or has this already
         */
        public Builder answerOnLoop(int port, Function<PilotNode, MessageService.InlineHandler> onLoop) {
            Objects.requireNonNull(onLoop, "onLoop");
            if (!handlers.containsKey(port)) {
                throw new IllegalArgumentException("port " + port + " has no handler to answer on the event loop before");
            }
            if (this.onLoop.putIfAbsent(port, onLoop) != null) {
                throw new IllegalArgumentException("port " + port + " is answered on the event loop already");
            }
            return this;
        }

        /**
         * Serves at most {@code maxConcurrent} requests on {@code port} at once; past it a request is answered
         * OVERLOADED at once instead of queueing (see {@link PilotNode#listen(int, MessageHandler, int)}).
         *
         * @throws IllegalArgumentException if {@code maxConcurrent} is below 1
         */
        public Builder maxConcurrentRequests(int port, int maxConcurrent) {
            Ports.check(port);
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
            }
            concurrencyLimits.put(port, maxConcurrent);
            return this;
        }

        /** The name the agent registers under; also names its default control socket. */
        public Builder hostname(String hostname) {
            this.hostname = Objects.requireNonNull(hostname, "hostname");
            return this;
        }

        /**
         * Registers with the backbone at {@code endpoint}.
         *
         * @param key the backbone's key, pinned; null trusts the key it answers with the first time
         */
        public Builder backbone(InetSocketAddress endpoint, NodeKey key) {
            return backbones(List.of(Objects.requireNonNull(endpoint, "endpoint")), key);
        }

        /**
         * Registers with one of the realm's backbones at {@code endpoints} (which share one key), moving to the
         * next when it stops answering: see {@code DirectoryClient.Builder.backbones}.
         *
         * @param key the backbones' key, pinned; null trusts the key the first one answers with
         * @throws IllegalArgumentException if {@code endpoints} is empty
         */
        public Builder backbones(List<InetSocketAddress> endpoints, NodeKey key) {
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("no backbone endpoint given");
            }
            this.backboneEndpoints = List.copyOf(endpoints);
            this.backboneKey = key;
            return this;
        }

        /**
         * The realm's join token, presented at every registration, for a backbone that requires one; null for
         * none. A backbone that refuses it fails the start, even with {@link #startWithoutBackbone}.
         *
         * @throws IllegalArgumentException if it is blank or longer than {@link Names#MAX_JOIN_TOKEN} bytes (the
         *         message does not quote it)
         */
        public Builder joinToken(String token) {
            this.joinToken = token == null ? null : Names.checkJoinToken(token);
            return this;
        }

        /** Further settings of the directory client (groups, capabilities, timeouts...), applied last. */
        public Builder directory(Consumer<DirectoryClient.Builder> settings) {
            this.directory = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Admits peers that share a group with the node: makes {@code policy} the node's access policy and
         * registers through it, so that it knows the members before the agent is discoverable (with
         * {@link #startWithoutBackbone}, once the backbone answers; until then it refuses every peer). The policy
         * stays the caller's to close.
         */
        public Builder sharedGroupPolicy(SharedGroupPolicy policy) {
            this.sharedGroup = Objects.requireNonNull(policy, "policy");
            node.accessPolicy(policy);
            return this;
        }

        /** Further settings of group messaging (selection policy, attempts...). */
        public Builder groups(Consumer<GroupMessaging.Builder> settings) {
            this.groups = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Makes the agent's own node a backbone: it serves the directory and relays (a standalone backbone).
         * Reflexive addresses come from its STUN answers: build its node with {@code answerStun(true)}.
         *
         * @param store the directory store's folder, so that the directory survives restarts; null keeps
         *        it in memory only
         */
        public Builder serveBackbone(BackboneSettings settings, Path store) {
            return serveBackboneWithStore(settings, store == null ? null : store.toString());
        }

        /**
         * As {@link #serveBackbone(BackboneSettings, Path)}, with the store named by {@code store}: null (memory
         * only), a folder, or a URL such as {@code etcd://HOST:PORT,HOST:PORT} that a
         * {@link io.pilot.engine.backbone.DirectoryStoreProvider} on the class path opens (several backbones of
         * one realm then share the directory).
         */
        public Builder serveBackboneWithStore(BackboneSettings settings, String store) {
            return backbone(new BackboneSpec(null, Objects.requireNonNull(settings, "settings"), store));
        }

        /**
         * Runs a backbone beside the agent, on a node of its own that {@code node} builds, and registers with
         * it (its key pinned, its endpoint a wildcard bind's loopback): an application that brings its
         * backbone along. As for {@link #serveBackbone}, {@code node} should answer STUN.
         *
         * @param store the directory store's folder; null keeps the directory in memory only
         */
        public Builder embedBackbone(PilotNode.Builder node, BackboneSettings settings, Path store) {
            return embedBackboneWithStore(node, settings, store == null ? null : store.toString());
        }

        /** As {@link #embedBackbone(PilotNode.Builder, BackboneSettings, Path)}, the store named as for {@link #serveBackboneWithStore}. */
        public Builder embedBackboneWithStore(PilotNode.Builder node, BackboneSettings settings, String store) {
            return backbone(new BackboneSpec(Objects.requireNonNull(node, "node"), Objects.requireNonNull(settings, "settings"),
                    store));
        }

        /** How the backbone this agent runs serves nodes over WebSocket; default {@link WebSocketServing#DEFAULTS}. */
        public Builder backboneWebSocket(WebSocketServing webSocket) {
            this.webSocket = Objects.requireNonNull(webSocket, "webSocket");
            return this;
        }

        /**
         * The HTTP CONNECT proxy to reach the backbone's WebSocket through when UDP to it goes unanswered; null
         * (the default) reads {@code HTTPS_PROXY}/{@code https_proxy}/{@code NO_PROXY} (docs/reach.md).
         */
        public Builder backboneProxy(ProxySettings proxy) {
            this.proxy = proxy;
            return this;
        }

        private Builder backbone(BackboneSpec spec) {
            if (backbone != null) {
                throw new IllegalStateException("an agent runs one backbone at most");
            }
            this.backbone = spec;
            return this;
        }

        /**
         * Opens a control socket for {@code pilotctl}. Its {@code stop} closes the agent, unless
         * {@code commands} sets another {@link ControlCommands.Builder#onStop}.
         *
         * @param socket where; null: the default socket of the hostname (or of the address, without one)
         * @param commands further settings of the commands (identity path, timeout, what stop does...)
         */
        public Builder control(Path socket, Consumer<ControlCommands.Builder> commands) {
            this.control = true;
            this.controlSocket = socket;
            this.controlCommands = Objects.requireNonNull(commands, "commands");
            return this;
        }

        /**
         * How long stopping waits for served requests and outgoing calls in progress (together) before closing
         * the node; default 10 s.
         */
        public Builder gracePeriod(Duration gracePeriod) {
            if (gracePeriod.isNegative()) {
                throw new IllegalArgumentException("the grace period cannot be negative");
            }
            this.gracePeriod = gracePeriod;
            return this;
        }

        /**
         * Starts even when the backbone does not answer within {@code wait}: {@link Agent#start} returns, the
         * directory client keeps registering in the background (its waits growing, see
         * {@link DirectoryClient.Builder#retryBackoff}) and reports {@link DirectoryClient.Status#BACKBONE_UNREACHABLE}
         * meanwhile. A refusal within {@code wait} still fails the start. Without it, the start fails when the
         * first registration does. With a {@link #sharedGroupPolicy}, the policy lets in the backbone only until it
         * has registered and learned its groups' members: peers are refused (fail closed) until then.
         */
        public Builder startWithoutBackbone(Duration wait) {
            if (wait.isNegative()) {
                throw new IllegalArgumentException("the wait for the backbone cannot be negative");
            }
            this.backboneWait = wait;
            return this;
        }

        private boolean registers() {
            return backboneEndpoints != null || (backbone != null && backbone.ownNode() != null);
        }

        /**
         * @throws IllegalStateException if the settings contradict each other: an agent that registers
         *         without a hostname, both a backbone endpoint and an embedded backbone, or a shared-group
         *         policy without a backbone to register with
         */
        public Agent build() {
            if (backboneEndpoints != null && backbone != null && backbone.ownNode() != null) {
                throw new IllegalStateException("an agent with an embedded backbone registers with it: give no other backbone");
            }
            if (registers() && hostname == null) {
                throw new IllegalStateException("an agent that registers with a backbone needs a hostname");
            }
            if (!registers() && sharedGroup != null) {
                throw new IllegalStateException("a shared-group policy needs a backbone to register with");
            }
            return new Agent(this);
        }
    }

    /** The backbone an agent is to run; each agent built gets a role of its own. */
    private record BackboneSpec(PilotNode.Builder ownNode, BackboneSettings settings, String store) {

        BackboneRole role(WebSocketServing webSocket) {
            return new BackboneRole(ownNode, settings, store, webSocket);
        }
    }
}
