package io.pilot.spring.runtime;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.backbone.JournaledDirectoryStore;
import io.pilot.engine.control.ControlCommands;
import io.pilot.engine.control.ControlPaths;
import io.pilot.engine.control.ControlServer;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.Names;
import io.pilot.engine.group.GroupMessaging;
import io.pilot.engine.group.SharedGroupPolicy;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.session.AccessPolicy;
import io.pilot.spring.capability.BroadcastDispatcher;
import io.pilot.spring.capability.CapabilityDispatcher;
import io.pilot.spring.capability.CapabilityMethod;
import io.pilot.spring.capability.CapabilityProtocol;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.observation.PilotServerObservationConvention;
import io.pilot.spring.runtime.RuntimeSettings.EmbeddedBackbone;

import io.micrometer.observation.ObservationRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import tools.jackson.databind.json.JsonMapper;

/**
 * Starts the application's Pilot node after the context is refreshed, serves its capabilities, registers
 * with the backbone (running it embedded if asked), and stops it all on shutdown: deregistering first so
 * peers hear at once, then closing sessions. Publishes the bound UDP port as {@code local.pilot.port}.
 */
public final class PilotRuntime implements SmartLifecycle, ApplicationContextAware {

    /** Late in the start-up order (after web servers), early in shutdown. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    private static final Logger log = LoggerFactory.getLogger(PilotRuntime.class);

    private final RuntimeSettings settings;
    private final CapabilityRegistry capabilities;
    private final JsonMapper mapper;
    private final ConfigurableEnvironment environment;
    private final ObservationRegistry observations;
    private final PilotServerObservationConvention observationConvention;
    private volatile PilotNode node;
    private volatile PilotNode backboneNode;
    private volatile Backbone backbone;
    private volatile DirectoryClient directory;
    private volatile GroupMessaging messaging;
    private volatile ControlServer control;
    private volatile boolean running;
    private final InFlightCalls inFlight = new InFlightCalls();

    public PilotRuntime(RuntimeSettings settings, CapabilityRegistry capabilities, JsonMapper mapper,
            ConfigurableEnvironment environment) {
        this(settings, capabilities, mapper, environment, ObservationRegistry.NOOP, null);
    }

    /** Observes the capability requests it serves in {@code observations}, with {@code observationConvention} (null: the default). */
    public PilotRuntime(RuntimeSettings settings, CapabilityRegistry capabilities, JsonMapper mapper,
            ConfigurableEnvironment environment, ObservationRegistry observations,
            PilotServerObservationConvention observationConvention) {
        this.settings = settings;
        this.capabilities = capabilities;
        this.mapper = mapper;
        this.environment = environment;
        this.observations = observations;
        this.observationConvention = observationConvention;
    }

    /** Released on stop; until then a non-daemon thread waits on it. */
    private CountDownLatch keepAlive;

    /**
     * Keeps the JVM alive while the node runs, as a web server does: the node's own threads are daemons, so an
     * agent without a web server would otherwise end as soon as its {@code main} returns.
     */
    private static CountDownLatch keepJvmAlive() {
        CountDownLatch latch = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pilot-keep-alive");
        thread.setDaemon(false);
        thread.start();
        return latch;
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

    @Override
    public synchronized void start() {
        String hostname = settings.hostname();
        InetSocketAddress backboneEndpoint = settings.backbone().endpoint();
        AccessPolicy accessPolicy = settings.accessPolicy().get();
        try {
            NodeKey backboneKey = settings.backbone().key();
            if (settings.backbone().embedded() != null) {
                startEmbeddedBackbone(backboneEndpoint, settings.backbone().embedded());
                backboneKey = backboneNode.publicKey();
            }
            node = PilotNode.builder()
                    .identityPath(settings.identityPath())
                    .bindAddress(settings.bindAddress())
                    .realm(settings.realm())
                    .maxMessageSize(settings.maxMessageSize())
                    .requestTimeout(settings.requestTimeout())
                    .accessPolicy(accessPolicy)
                    .pathSettings(settings.pathSettings())
                    .build().start();
            node.listen(CapabilityProtocol.PORT, inFlight.track(
                    new CapabilityDispatcher(capabilities, mapper, observations, observationConvention, node::peer)));
            node.listen(CapabilityProtocol.BROADCAST_PORT, inFlight.track(new BroadcastDispatcher(capabilities, mapper)));
            DirectoryClient.Builder builder = DirectoryClient.builder(node).hostname(hostname)
                    .backbone(backboneEndpoint, backboneKey)
                    .requestTimeout(settings.backbone().requestTimeout());
            for (CapabilityMethod capability : capabilities.all()) {
                builder.capability(capability.description().isEmpty() ? CapabilityInfo.of(capability.name())
                        : new CapabilityInfo(capability.name(), Map.of("description", capability.description())));
            }
            TreeSet<String> groups = new TreeSet<>(settings.groups());
            groups.addAll(capabilities.groups());
            groups.forEach(g -> builder.group(Names.checkGroup(g)));
            directory = builder.build();
            if (accessPolicy instanceof SharedGroupPolicy sharedGroup) {
                sharedGroup.bind(directory).join();
            } else {
                directory.start().join();
            }
            messaging = GroupMessaging.of(directory);
            if (settings.control().enabled()) {
                Path socket = settings.control().path() != null ? settings.control().path()
                        : ControlPaths.defaultSocket(hostname, node.address());
                ControlCommands.Builder commands = ControlCommands.builder(node).directory(directory).groups(messaging)
                        .identityPath(settings.identityPath());
                Runnable stop = stopApplication();
                if (stop != null) {
                    commands.onStop(stop);
                }
                control = ControlServer.start(socket, commands.build());
            }
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
        environment.getPropertySources().addFirst(new MapPropertySource("pilot.local",
                Map.of("local.pilot.port", node.localEndpoint().getPort())));
        running = true;
        keepAlive = keepJvmAlive();
        log.info("Pilot agent '{}' is {} on UDP {}, registered with the backbone at {} ({} capabilities)", hostname,
                node.address(), node.localEndpoint(), backboneEndpoint, capabilities.all().size());
    }

    private void startEmbeddedBackbone(InetSocketAddress endpoint, EmbeddedBackbone embedded) {
        backboneNode = PilotNode.builder().identityPath(embedded.identityPath()).bindAddress(endpoint)
                .realm(settings.realm()).answerStun(true).build().start();
        DirectoryStore store;
        try {
            store = embedded.store() == null ? DirectoryStore.none() : JournaledDirectoryStore.open(embedded.store());
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the embedded backbone's store " + embedded.store() + ": "
                    + e.getMessage(), e);
        }
        backbone = Backbone.start(backboneNode, BackboneSettings.DEFAULTS, store);
    }

    /**
     * Deregisters first (no new calls are routed here), lets calls in progress finish for up to
     * {@code pilot.shutdown-grace-period}, then closes the node.
     */
    @Override
    public synchronized void stop() {
        running = false;
        if (keepAlive != null) {
            keepAlive.countDown();
            keepAlive = null;
        }
        if (directory != null) {
            directory.close();
        }
        if (!inFlight.awaitIdle(settings.shutdownGracePeriod())) {
            log.warn("{} capability calls still running after the {} grace period; closing the node anyway",
                    inFlight.count(), settings.shutdownGracePeriod());
        }
        stopQuietly();
    }

    private void stopQuietly() {
        if (control != null) {
            control.close();
        }
        if (directory != null) {
            directory.close();
        }
        if (node != null) {
            node.close();
        }
        if (backbone != null) {
            backbone.close();
        }
        if (backboneNode != null) {
            backboneNode.close();
        }
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
        return requireRunning(node);
    }

    public DirectoryClient directory() {
        return requireRunning(directory);
    }

    public GroupMessaging messaging() {
        return requireRunning(messaging);
    }

    /** The control socket {@code pilotctl} talks to, if enabled. */
    public Optional<Path> controlSocket() {
        return Optional.ofNullable(control).map(ControlServer::socketPath);
    }

    /** The embedded backbone, if this application runs one. */
    public Optional<Backbone> embeddedBackbone() {
        return Optional.ofNullable(backbone);
    }

    public PilotAddress address() {
        return node().address();
    }

    private static <T> T requireRunning(T value) {
        if (value == null) {
            throw new IllegalStateException("the Pilot node is not running yet: it starts once the application context is refreshed");
        }
        return value;
    }
}
