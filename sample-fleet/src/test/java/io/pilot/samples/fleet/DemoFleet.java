package io.pilot.samples.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The fleet as bin/demo runs it — four processes, the demo controls on, every process exporting its spans to a local
 * {@link TraceCollector} whose query API the coordinator is told of — started once for all the test classes that
 * take it as a parameter (through {@link Extension}) and closed when the run ends. Starting four Spring Boot processes
 * is the slowest thing these tests do, so the page tests share one fleet: the classes that only look at it are
 * ordered before {@link DemoPageTests}, which stops and starts agents (junit-platform.properties orders classes by
 * {@code @Order}).
 */
final class DemoFleet implements AutoCloseable {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    final Path home;
    final TraceCollector collector;
    final Fleet fleet;
    final int httpPort;
    private boolean closed;

    private DemoFleet(Path home, TraceCollector collector, Fleet fleet, int httpPort) {
        this.home = home;
        this.collector = collector;
        this.fleet = fleet;
        this.httpPort = httpPort;
    }

    static DemoFleet start() throws IOException {
        // Short: control sockets live under it, and Unix socket paths are limited to 107 bytes.
        Path home = Files.createTempDirectory(Path.of("/tmp"), "demo");
        TraceCollector collector = new TraceCollector();
        int httpPort = FreePorts.tcp(4);
        Fleet fleet = new Fleet(Fleet.Settings.inRepository(ROOT, home.resolve("work"))
                .withPorts(httpPort, FreePorts.udp())
                .withEnvironment(Map.of("PILOT_HOME", home.toString()))
                .withArguments(List.of("--management.opentelemetry.tracing.export.otlp.endpoint=" + collector.endpoint(),
                        "--demo.traces-url=" + collector.queryUrl(),
                        "--management.opentelemetry.tracing.export.schedule-delay=1s",
                        "--logging.level.root=WARN", "--logging.level.io.pilot.samples=INFO"))
                // Four JVMs starting at once on a shared, loaded machine: a wait, not a claim about speed.
                .withStartTimeout(Duration.ofMinutes(5)));
        DemoFleet demo = new DemoFleet(home, collector, fleet, httpPort);
        try {
            fleet.enableDemoControls();
            fleet.startCoordinator();
            fleet.startSpecialists();
            return demo;
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
    }

    /** The processes started so far, for a caller that checks they are gone after {@link #close()}. */
    List<AgentProcess> agents() {
        return new ArrayList<>(fleet.agents().values());
    }

    /** Stops every process and the collector and removes the fleet's files; a second call does nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        fleet.close();
        collector.close();
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Resolves a {@link DemoFleet} parameter to the one fleet of this test run, starting it on first use. */
    static final class Extension implements ParameterResolver {

        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DemoFleet.class);

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == DemoFleet.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            // The root context's store lives for the whole run and closes what it holds (AutoCloseable) at its end.
            return context.getRoot().getStore(NAMESPACE).computeIfAbsent(DemoFleet.class, key -> {
                try {
                    return start();
                } catch (IOException e) {
                    throw new IllegalStateException("cannot start the demo fleet: " + e.getMessage(), e);
                }
            }, DemoFleet.class);
        }
    }
}
