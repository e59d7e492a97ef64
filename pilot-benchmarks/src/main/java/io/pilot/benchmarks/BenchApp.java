package io.pilot.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One running bench app process ({@code pilot-benchmarks-boot}) in a role, {@code provider} or {@code caller},
 * with its own HTTP port, Pilot identity, control socket and log file in the run's directory. {@link #stop()} is a
 * graceful stop (SIGTERM: the agent deregisters, i.e. leaves); {@link #kill()} is SIGKILL (the agent dies).
 */
final class BenchApp implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final String hostname;
    private final int httpPort;
    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private BenchApp(String hostname, int httpPort, Process process, Path log) {
        this.hostname = hostname;
        this.httpPort = httpPort;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the app; returns at once (see {@link #awaitReady()}).
     *
     * @param settings further {@code name=value} settings passed as {@code --name=value}
     */
    static BenchApp start(BenchAppLaunch launch, Path dir, String role, String hostname, Map<String, String> settings) {
        int httpPort = FreePorts.tcp();
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.profiles.active=" + role,
                "--server.port=" + httpPort,
                "--server.address=127.0.0.1",
                "--pilot.hostname=" + hostname,
                "--pilot.bind.address=127.0.0.1",
                "--pilot.identity.path=" + dir.resolve(hostname + ".key"),
                "--pilot.control.socket=" + dir.resolve(hostname + ".sock")));
        settings.forEach((name, value) -> arguments.add("--" + name + "=" + value));
        Path log = dir.resolve(hostname + ".log");
        try {
            Process process = new ProcessBuilder(launch.command(arguments)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new BenchApp(hostname, httpPort, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the bench app " + hostname, e);
        }
    }

    /** Waits until the app answers {@code /bench/ready}; returns its ready instant, epoch microseconds. */
    long awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the bench app " + hostname + " exited with status " + process.exitValue()
                        + " before it was ready; its log ends:\n" + logTail());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/bench/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return JSON.readTree(response.body()).get("readyMicros").asLong();
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the bench app " + hostname + " was not ready within " + START_TIMEOUT
                + "; its log ends:\n" + logTail());
    }

    /** Sends an order, waits for its answer; any answer but 200 is an error carrying the app's message. */
    JsonNode post(String pathAndQuery) throws InterruptedException {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    JsonNode get(String pathAndQuery) throws InterruptedException {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    private JsonNode send(HttpRequest.Builder request) throws InterruptedException {
        HttpRequest built = request.timeout(Duration.ofMinutes(10)).build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(built.method() + " " + built.uri() + " answered " + response.statusCode()
                        + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(built.method() + " " + built.uri() + " failed; the app's log ends:\n"
                    + logTail(), e);
        }
    }

    String hostname() {
        return hostname;
    }

    /** Where the app's HTTP server listens: the provider's {@code /echo} for the HTTP contender. */
    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    private URI uri(String pathAndQuery) {
        return URI.create(baseUrl() + pathAndQuery);
    }

    /** SIGTERM, then waits for the process to end: a graceful shutdown, in which the agent deregisters. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** SIGKILL: the agent dies without a word to anyone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** CPU time the process has used so far, every thread (the JVM's own included). */
    long cpuNanos() {
        return ChildCpu.nanos(process);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
