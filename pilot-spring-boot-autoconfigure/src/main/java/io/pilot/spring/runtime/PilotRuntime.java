package io.pilot.spring.runtime;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.agent.Agent;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.Names;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.group.GroupMessaging;
import io.pilot.engine.group.SharedGroupPolicy;
import io.pilot.engine.session.AccessPolicy;
import io.pilot.spring.PilotNodeBuilderCustomizer;
import io.pilot.spring.capability.BroadcastDispatcher;
import io.pilot.spring.capability.CapabilityDispatcher;
import io.pilot.spring.capability.CapabilityFailures;
import io.pilot.spring.capability.CapabilityLimits;
import io.pilot.spring.capability.CapabilityMethod;
import io.pilot.spring.capability.CapabilityProtocol;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.capability.GroupSenders;
import io.pilot.spring.capability.GroupListenerMethod;
import io.pilot.spring.observation.PilotGroupListenerObservationConvention;
import io.pilot.spring.observation.PilotServerObservationConvention;
import io.pilot.spring.runtime.RuntimeSettings.EmbeddedBackbone;

import io.micrometer.observation.ObservationRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import tools.jackson.databind.json.JsonMapper;

/**
 * Starts the application's Pilot node after the context is refreshed, serves its capabilities, registers
 * with the backbone (running it embedded if asked), and stops it all on shutdown. Publishes the bound UDP
 * port as {@code local.pilot.port}.
 *
 * <p>The backbone need not be up: if it has not answered within {@code pilot.backbone.request-timeout} the
 * application starts anyway and the agent registers once it answers (the {@code pilot} health component says
 * {@code BACKBONE_UNREACHABLE} meanwhile). A refusal (a hostname taken, a missing or wrong join token) still fails
 * the start.
 *
 * <p>A backbone that requires a join token gets the one in the settings at every registration; an embedded backbone
 * requires that token of every agent (this one included).
 *
 * <p>Shutdown, in the order a caller of this agent and an HTTP client of this application need it:
 * <ol>
 * <li>on {@link ContextClosedEvent} (before any lifecycle stops) the agent deregisters, so callers stop
 * choosing it at once; it still serves what arrives and its own calls still resolve;</li>
 * <li>the web server drains its requests (Boot's graceful shutdown, phase {@code GRACEFUL_SHUTDOWN_PHASE});
 * those requests may still call other agents through this node;</li>
 * <li>then this lifecycle stops, asynchronously: capability calls it serves finish, then the calls it makes
 * (through {@code PilotClient}, from any thread: a scheduled task, a listener) finish, new ones being refused,
 * all within {@code spring.lifecycle.timeout-per-shutdown-phase}; then the node closes.</li>
 * </ol>
 */
public final class PilotRuntime implements SmartLifecycle, ApplicationContextAware, ApplicationListener<ContextClosedEvent> {

    /**
     * After the web server has started, and stopped after its graceful shutdown has drained its requests (which
     * may still call through this node) but before the web server itself stops: between Boot's
     * {@code WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE} ({@code DEFAULT_PHASE - 1024}, stopped first)
     * and {@code START_STOP_LIFECYCLE_PHASE} ({@code DEFAULT_PHASE - 2048}).
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

    /** Boot's bound on each shutdown phase, which bounds how long stopping waits for calls in progress. */
    static final String SHUTDOWN_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

    private static final Logger log = LoggerFactory.getLogger(PilotRuntime.class);

    private final RuntimeSettings settings;
    private final CapabilityRegistry capabilities;
    private final JsonMapper mapper;
    private final ConfigurableEnvironment environment;
    private final ObservationRegistry observations;
    private final PilotServerObservationConvention observationConvention;
    private final HandlerExecution execution;
    private final List<PilotNodeBuilderCustomizer> nodeCustomizers;
    /** The running agent: node, registration, group messaging, control socket and embedded backbone. */
    private volatile Agent agent;
    /** This run's broadcast dispatcher and the membership views it checks senders against. */
    private volatile BroadcastDispatcher broadcasts;
    /** This run's dispatcher of capability calls, which in-process callers (the MCP server) call too. */
    private volatile CapabilityDispatcher dispatcher;
    private GroupSenders senders;
    private volatile boolean running;
    private volatile PilotGroupListenerObservationConvention groupListenerConvention;

    public PilotRuntime(RuntimeSettings settings, CapabilityRegistry capabilities, JsonMapper mapper,
            ConfigurableEnvironment environment) {
        this(settings, capabilities, mapper, environment, ObservationRegistry.NOOP, null);
    }

    /** Observes the capability requests it serves in {@code observations}, with {@code observationConvention} (null: the default). */
    public PilotRuntime(RuntimeSettings settings, CapabilityRegistry capabilities, JsonMapper mapper,
            ConfigurableEnvironment environment, ObservationRegistry observations,
            PilotServerObservationConvention observationConvention) {
        this(settings, capabilities, mapper, environment, observations, observationConvention, HandlerExecution.DEFAULTS,
                List.of());
    }

    /**
     * Runs capability handlers as {@code execution} says, and applies {@code nodeCustomizers} (in order) to the node's
     * builder after the settings.
     */
    public PilotRuntime(RuntimeSettings settings, CapabilityRegistry capabilities, JsonMapper mapper,
            ConfigurableEnvironment environment, ObservationRegistry observations,
            PilotServerObservationConvention observationConvention, HandlerExecution execution,
            List<PilotNodeBuilderCustomizer> nodeCustomizers) {
        this.execution = execution;
        this.nodeCustomizers = List.copyOf(nodeCustomizers);
        this.settings = settings;
        this.capabilities = capabilities;
        this.mapper = mapper;
        this.environment = environment;
        this.observations = observations;
        this.observationConvention = observationConvention;
    }

    /**
     * The convention of the {@code @GroupListener} observations ({@code PilotObservationDocumentation.GROUP_LISTENER}),
     * in the registry the capability requests are observed in; null (the default) for the default one. Takes
     * effect at {@link #start()}.
     */
    public void setGroupListenerObservationConvention(PilotGroupListenerObservationConvention convention) {
        this.groupListenerConvention = convention;
    }

    /** Closed by {@code pilotctl daemon stop}; null outside a configurable context. */
    private ConfigurableApplicationContext context;

    @Override
    public void setApplicationContext(ApplicationContext applicationContext) {
        this.context = applicationContext instanceof ConfigurableApplicationContext configurable ? configurable : null;
    }

    /**
     * What {@code pilotctl daemon stop} does to the application: closes its context on a thread of its own (the
     * control request is answered first), which shuts it down as SIGTERM would: calls in progress finish,
     * the node deregisters, the web server stops.
     */
    private Runnable stopApplication() {
        ConfigurableApplicationContext application = context;
        if (application == null) {
            return null;
        }
        return () -> {
            Thread stopper = new Thread(application::close, "pilot-control-stop");
            stopper.setDaemon(false);
            stopper.start();
        };
    }

    /**
     * Starts the node and serves the capabilities, registers (with the embedded backbone, if asked, which
     * starts first), then opens the control socket: the {@link Agent}'s one start order.
     */
    @Override
    public synchronized void start() {
        AccessPolicy accessPolicy = settings.accessPolicy().get();
        senders = new GroupSenders(this::messaging, this::directory);
        broadcasts = new BroadcastDispatcher(capabilities, mapper, senders, observations, groupListenerConvention);
        PilotNode.Builder node = settings.identity().applyTo(PilotNode.builder())
                .bindAddress(settings.bindAddress())
                .realm(settings.realm())
                .maxMessageSize(settings.maxMessageSize())
                .requestTimeout(settings.requestTimeout())
                .accessPolicy(accessPolicy)
                .pathSettings(settings.pathSettings());
        if (execution.executor() != null) {
            node.handlerExecutor(execution.executor());
        }
        if (settings.maxInboundBuffered() > 0) {
            node.maxInboundBuffered(settings.maxInboundBuffered());
        }
        nodeCustomizers.forEach(customizer -> customizer.customize(node));
        CapabilityLimits limits = CapabilityLimits.of(capabilities.all(), execution.capabilityMaxConcurrency());
        Agent.Builder builder = Agent.builder(node).hostname(settings.hostname()).joinToken(settings.backbone().joinToken())
                .listenWithNode(CapabilityProtocol.PORT, started -> dispatcher = new CapabilityDispatcher(capabilities, mapper,
                        observations, observationConvention, started::peer, limits, this::lookUp,
                        new CapabilityFailures(settings.includeErrorDetails())))
                .maxConcurrentRequests(CapabilityProtocol.PORT, execution.maxConcurrency())
                .listen(CapabilityProtocol.BROADCAST_PORT, broadcasts)
                .directory(this::describe)
                .gracePeriod(shutdownTimeout());
        if (capabilities.all().stream().anyMatch(CapabilityMethod::onEventLoop)) {
            builder.answerOnLoop(CapabilityProtocol.PORT, started -> dispatcher::answerOnLoop);
        }
        if (capabilities.listeners().stream().anyMatch(GroupListenerMethod::onEventLoop)) {
            BroadcastDispatcher onLoop = broadcasts;
            builder.answerOnLoop(CapabilityProtocol.BROADCAST_PORT, started -> onLoop::answerOnLoop);
        }
        EmbeddedBackbone embedded = settings.backbone().embedded();
        if (embedded != null) {
            builder.embedBackboneWithStore(PilotNode.builder().identityPath(embedded.identityPath())
                    .bindAddress(settings.backbone().endpoint()).realm(settings.realm()).answerStun(true),
                    BackboneSettings.DEFAULTS.withJoinToken(settings.backbone().joinToken()), embedded.store())
                    .backboneWebSocket(embedded.webSocket());
        } else {
            builder.backbones(settings.backbone().endpoints(), settings.backbone().key())
                    .backboneProxy(settings.backbone().proxy())
                    .startWithoutBackbone(settings.backbone().requestTimeout());
        }
        if (accessPolicy instanceof SharedGroupPolicy sharedGroup) {
            builder.sharedGroupPolicy(sharedGroup);
        }
        if (settings.control().enabled()) {
            Runnable stop = stopApplication();
            builder.control(settings.control().path(), commands -> {
                if (settings.identity().file() != null) {
                    commands.identityPath(settings.identity().file());
                }
                if (stop != null) {
                    commands.onStop(stop);
                }
            });
        }
        Agent started = builder.build().start();
        agent = started;
        environment.getPropertySources().addFirst(new MapPropertySource("pilot.local",
                Map.of("local.pilot.port", started.node().localEndpoint().getPort())));
        running = true;
        log.info("Pilot agent '{}' is {} on UDP {}, {} the backbone at {} ({} capabilities)",
                settings.hostname(), started.node().address(), started.node().localEndpoint(),
                started.directory().map(DirectoryClient::status).orElse(null) == DirectoryClient.Status.REGISTERED
                        ? "registered with" : "registering with", started.directory().flatMap(DirectoryClient::backboneEndpoint)
                        .orElse(settings.backbone().endpoint()), capabilities.all().size());
    }

    /** A caller's record, for its hostname and groups; failed while the agent has no directory client (yet). */
    private CompletableFuture<NodeRecord> lookUp(PilotAddress caller) {
        try {
            return directory().lookup(caller);
        } catch (RuntimeException notYet) {
            return CompletableFuture.failedFuture(notYet);
        }
    }

    /** {@value #SHUTDOWN_TIMEOUT}, as Boot reads it (default 30 s). */
    private Duration shutdownTimeout() {
        return Binder.get(environment).bind(SHUTDOWN_TIMEOUT, Duration.class).orElse(Duration.ofSeconds(30));
    }

    /** What the agent's record says (its capabilities with descriptions, its groups), the backbone's timeout and retry waits. */
    private void describe(DirectoryClient.Builder directory) {
        directory.requestTimeout(settings.backbone().requestTimeout())
                .retryBackoff(settings.backbone().retry().first(), settings.backbone().retry().max());
        for (CapabilityMethod capability : capabilities.all()) {
            directory.capability(capability.name(), capability.description(), capability.schema());
        }
        TreeSet<String> groups = new TreeSet<>(settings.groups());
        groups.addAll(capabilities.groups());
        groups.forEach(g -> directory.group(Names.checkGroup(g)));
    }

    /**
     * The first step of shutdown, before any lifecycle stops: deregisters, so callers stop choosing this agent
     * while the web server drains. Only for this runtime's own context (a child context's close is published
     * to its parent too).
     */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        Agent running = agent;
        if (running != null && (context == null || event.getApplicationContext() == context)) {
            running.deregister();
        }
    }

    /**
     * Deregisters (if not already), lets calls in progress finish for up to
     * {@value #SHUTDOWN_TIMEOUT}, then closes the node: the {@link Agent}'s one stop order.
     */
    @Override
    public void stop() {
        Agent stopping = stopping();
        if (stopping != null) {
            stopping.close();
        }
    }

    /**
     * As {@link #stop()}, on a thread of its own: the other lifecycles of this phase stop meanwhile, and Boot
     * waits for {@code callback} no longer than {@value #SHUTDOWN_TIMEOUT}.
     */
    @Override
    public void stop(Runnable callback) {
        Agent stopping = stopping();
        if (stopping == null) {
            callback.run();
            return;
        }
        Thread stopper = new Thread(() -> {
            try {
                stopping.close();
            } finally {
                callback.run();
            }
        }, "pilot-stop");
        stopper.start();
    }

    /** Marks this runtime stopped; the agent to close, if it was started. */
    private synchronized Agent stopping() {
        running = false;
        if (senders != null) {
            senders.close();
        }
        return agent;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    public PilotNode node() {
        return running().node();
    }

    public DirectoryClient directory() {
        return running().directory().orElseThrow();
    }

    /** How long a call waits for its reply unless it says otherwise ({@code pilot.request-timeout}). */
    public Duration requestTimeout() {
        return settings.requestTimeout();
    }

    /**
     * Makes an outgoing call through the agent, counted so that shutdown lets it finish before the node closes
     * (see {@link Agent#outgoing}): what {@code PilotClient} sends goes through here.
     */
    public <F extends CompletableFuture<?>> F outgoing(Supplier<F> call) {
        return running().outgoing(call);
    }

    public GroupMessaging messaging() {
        return running().groups().orElseThrow();
    }

    /**
     * Broadcasts dropped in this run because their sender is not a member of the group their {@code group}
     * header names (a forged header, or a sender that left the group).
     */
    public long broadcastsFromNonMembers() {
        BroadcastDispatcher current = broadcasts;
        return current == null ? 0 : current.fromNonMembers();
    }

    /** The control socket {@code pilotctl} talks to, if enabled. */
    public Optional<Path> controlSocket() {
        return Optional.ofNullable(agent).flatMap(Agent::controlSocket);
    }

    /** The embedded backbone, if this application runs one. */
    public Optional<Backbone> embeddedBackbone() {
        return Optional.ofNullable(agent).flatMap(Agent::backbone);
    }

    public PilotAddress address() {
        return node().address();
    }

    /** This agent's hostname in the realm ({@code pilot.hostname}, or the service name and instance id). */
    public String hostname() {
        return settings.hostname();
    }

    /**
     * What serves this agent's capabilities, for callers in this process (the MCP server's own tools): a call handed
     * to it is dispatched as one from the mesh is, with the same validation, typed errors, limits and observations.
     */
    public CapabilityDispatcher capabilityDispatcher() {
        running();
        return dispatcher;
    }

    private Agent running() {
        Agent running = agent;
        if (running == null) {
            throw new IllegalStateException("the Pilot node is not running yet: it starts once the application context is refreshed");
        }
        return running;
    }
}
