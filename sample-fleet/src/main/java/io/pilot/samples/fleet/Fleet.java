package io.pilot.samples.fleet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The research fleet as separate processes: the coordinator, which hosts the embedded backbone, then the
 * specialists, each told only where the backbone is and which key it must have. Nothing else is configured:
 * the coordinator finds the specialists by capability.
 */
public final class Fleet implements AutoCloseable {

    /** The specialists' profiles, each one agent. */
    public static final List<String> PROFILES = List.of("papers", "fx", "news");

    private static final Pattern BACKBONE_KEY = Pattern.compile("\"backbone\":\\{[^}]*\"key\":\"([A-Za-z0-9_-]+)\"");

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    // Changed by the demo's control thread while the main thread may read it.
    private final List<AgentProcess> agents = new CopyOnWriteArrayList<>();
    private AgentProcess coordinator;
    private String backboneKey;
    private FleetControlServer controls;

    /**
     * How to run the fleet.
     *
     * @param coordinatorJar the coordinator's executable jar
     * @param specialistsJar the specialists' executable jar
     * @param workDir where agents keep their keys and logs
     * @param httpPort the coordinator's HTTP port; specialists take the next ones
     * @param backbonePort the embedded backbone's UDP port
     * @param environment added to every agent's environment (e.g. {@code PILOT_HOME})
     * @param arguments added to every agent's command line (e.g. an OTLP endpoint)
     * @param startTimeout longest wait for an agent to become healthy
     */
    public record Settings(Path coordinatorJar, Path specialistsJar, Path workDir, int httpPort, int backbonePort,
            Map<String, String> environment, List<String> arguments, Duration startTimeout) {

        /** The jars as a build of the repository at {@code root} leaves them. */
        public static Settings inRepository(Path root, Path workDir) {
            return new Settings(jar(root, "sample-coordinator"), jar(root, "sample-specialists"), workDir, 8080, 7400,
                    Map.of(), List.of(), Duration.ofSeconds(120));
        }

        private static Path jar(Path root, String module) {
            return root.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT.jar");
        }

        public Settings withPorts(int httpPort, int backbonePort) {
            return new Settings(coordinatorJar, specialistsJar, workDir, httpPort, backbonePort, environment, arguments,
                    startTimeout);
        }

        public Settings withEnvironment(Map<String, String> environment) {
            return new Settings(coordinatorJar, specialistsJar, workDir, httpPort, backbonePort, Map.copyOf(environment),
                    arguments, startTimeout);
        }

        public Settings withArguments(List<String> arguments) {
            return new Settings(coordinatorJar, specialistsJar, workDir, httpPort, backbonePort, environment,
                    List.copyOf(arguments), startTimeout);
        }

        public Settings withStartTimeout(Duration startTimeout) {
            return new Settings(coordinatorJar, specialistsJar, workDir, httpPort, backbonePort, environment, arguments,
                    startTimeout);
        }
    }

    public Fleet(Settings settings) {
        this.settings = settings;
        for (Path jar : List.of(settings.coordinatorJar(), settings.specialistsJar())) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " does not exist: build it first (bin/demo does, or "
                        + "./mvnw -DskipTests -pl sample-fleet -am package)");
            }
        }
    }

    /**
     * Turns on the demo's controls (call before {@link #startCoordinator}): opens the fleet's control API on loopback
     * ({@link FleetControlServer}), tells the coordinator where it is, so that its page offers them, and starts every
     * specialist with its link-loss endpoint.
     *
     * @return the control API's URL
     */
    public String enableDemoControls() {
        if (coordinator != null) {
            throw new IllegalStateException("turn the demo controls on before starting the coordinator");
        }
        try {
            controls = new FleetControlServer(new FleetControls(this));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the demo's control API on loopback: " + e.getMessage(), e);
        }
        return controls.url();
    }

    /** Starts the coordinator and waits until it is healthy; it hosts the backbone the others join. */
    public AgentProcess startCoordinator() {
        List<String> args = new ArrayList<>(List.of("--pilot.backbone.address=127.0.0.1:" + settings.backbonePort()));
        if (controls != null) {
            args.add("--demo.control-url=" + controls.url());
        }
        coordinator = launch("coordinator", settings.coordinatorJar(), args, settings.httpPort());
        awaitHealthy(coordinator);
        Matcher key = BACKBONE_KEY.matcher(get(coordinator, "/actuator/pilot"));
        if (!key.find()) {
            throw new IllegalStateException("the coordinator does not show its backbone's key at /actuator/pilot");
        }
        backboneKey = key.group(1);
        return coordinator;
    }

    /** Starts a specialist of {@code profile} under {@code hostname}; returns at once (see {@link #awaitHealthy}). */
    public AgentProcess launchSpecialist(String profile, String hostname, int httpPort) {
        if (backboneKey == null) {
            throw new IllegalStateException("start the coordinator first: it hosts the backbone");
        }
        List<String> args = new ArrayList<>(List.of("--spring.profiles.active=" + profile,
                "--pilot.hostname=" + hostname, "--pilot.backbone.address=127.0.0.1:" + settings.backbonePort(),
                "--pilot.backbone.key=" + backboneKey));
        if (controls != null) {
            args.addAll(List.of("--demo.controls=true", "--management.endpoints.web.exposure.include=health,pilot,linkloss"));
        }
        return launch(hostname, settings.specialistsJar(), args, httpPort);
    }

    /** Starts the three specialists side by side and waits until each is healthy. */
    public List<AgentProcess> startSpecialists() {
        List<AgentProcess> started = new ArrayList<>();
        for (int i = 0; i < PROFILES.size(); i++) {
            started.add(launchSpecialist(PROFILES.get(i), "specialist-" + PROFILES.get(i), settings.httpPort() + 1 + i));
        }
        started.forEach(this::awaitHealthy);
        return started;
    }

    /** Waits until {@code agent} answers its health check with UP (HTTP 200); fails with its log if it dies or takes too long. */
    public void awaitHealthy(AgentProcess agent) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (!agent.isAlive()) {
                throw new IllegalStateException(agent.name() + " stopped while starting; the end of " + agent.log()
                        + ":\n" + agent.logTail(30));
            }
            try {
                HttpResponse<String> health = http.send(request(agent, "/actuator/health").build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + agent.name(), e);
            }
            sleep(250);
        }
        throw new IllegalStateException(agent.name() + " was not healthy within " + settings.startTimeout().toSeconds()
                + " s; the end of " + agent.log() + ":\n" + agent.logTail(30));
    }

    /** Asks the coordinator to research {@code topic}; {@code accept} is {@code application/json} or {@code text/plain}. */
    public HttpResponse<String> research(String topic, String accept) {
        String body = "{\"topic\":\"" + topic.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        return send(request(coordinator, "/research").header("Content-Type", "application/json").header("Accept", accept)
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** GETs {@code path} of {@code agent}'s HTTP server; fails unless it answers 200. */
    public String get(AgentProcess agent, String path) {
        HttpResponse<String> response = send(request(agent, path).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " of " + agent.name() + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return response.body();
    }

    /** POSTs {@code json} to {@code path} of {@code agent}'s HTTP server; fails unless it answers 200. */
    public String post(AgentProcess agent, String path, String json) {
        HttpResponse<String> response = send(request(agent, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST " + path + " of " + agent.name() + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return response.body();
    }

    public AgentProcess coordinator() {
        return coordinator;
    }

    /** Every agent started and not yet stopped, by name. */
    public Map<String, AgentProcess> agents() {
        Map<String, AgentProcess> byName = new LinkedHashMap<>();
        agents.forEach(agent -> byName.put(agent.name(), agent));
        return byName;
    }

    /** Stops one agent gracefully. */
    public void stop(AgentProcess agent) {
        agent.stop();
        agents.remove(agent);
    }

    /** Stops the specialists, then the coordinator (and with it the backbone). */
    @Override
    public void close() {
        if (controls != null) {
            controls.close();
        }
        List<AgentProcess> reversed = new ArrayList<>(agents);
        Collections.reverse(reversed);
        reversed.stream().filter(agent -> agent != coordinator).parallel().forEach(AgentProcess::stop);
        if (coordinator != null) {
            coordinator.stop();
        }
        agents.clear();
    }

    private AgentProcess launch(String name, Path jar, List<String> args, int httpPort) {
        List<String> all = new ArrayList<>(args);
        all.addAll(settings.arguments());
        AgentProcess agent = AgentProcess.start(name, jar, all, httpPort, settings.workDir(), settings.environment());
        agents.add(agent);
        return agent;
    }

    private static HttpRequest.Builder request(AgentProcess agent, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path))
                .timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
