package io.pilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real {@code bin/pilotctl} of this clone, run as a subprocess with its own {@code PILOT_HOME} (a short
 * directory under /tmp: socket paths must fit 107 bytes). Maven's settings (MAVEN_ARGS) and
 * PILOTCTL_NO_BUILD pass through the environment.
 */
final class Cli {

    /** A safety bound only: a command that hangs fails the test instead of hanging the build. */
    private static final long WAIT_SECONDS = 90;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Result(int status, String out, String err) {
        JsonNode json() {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + status + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private final Path home;

    Cli(Path home) {
        this.home = home;
    }

    static Path newHome() throws IOException {
        return Files.createTempDirectory(Path.of("/tmp"), "pct");
    }

    Path home() {
        return home;
    }

    /** Removes the home and everything the nodes left in it. */
    void deleteHome() throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    Path socket(String hostname) {
        return home.resolve("run").resolve(hostname + ".sock");
    }

    static Path script() {
        Path script = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("bin/pilotctl");
        assertThat(script).as("bin/pilotctl of this clone").isExecutable();
        return script;
    }

    /** Runs {@code bin/pilotctl args} to its end. */
    Result run(String... args) {
        return run(Map.of(), null, args);
    }

    /**
     * Runs {@code bin/pilotctl args} to its end with more environment variables and, unless null, {@code stdin}
     * on its standard input (else /dev/null).
     */
    Result run(Map<String, String> environment, String stdin, String... args) {
        try {
            Path out = Files.createTempFile("pilotctl", ".out");
            Path err = Files.createTempFile("pilotctl", ".err");
            try {
                ProcessBuilder builder = builder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().putAll(environment);
                if (stdin != null) {
                    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
                }
                Process process = builder.start();
                if (stdin != null) {
                    try (OutputStream in = process.getOutputStream()) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("pilotctl " + String.join(" ", args) + " did not finish");
                }
                return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts {@code bin/pilotctl args} and returns at once; its output is read line by line as it comes. */
    Background spawn(String... args) {
        return spawnCommand(command(args));
    }

    /** Starts any command with this PILOT_HOME (a Java application, say). */
    Background spawnCommand(List<String> command) {
        return spawnCommand(command, Map.of(), null);
    }

    /** Starts a command with more environment variables and, unless null, {@code stdin} on its standard input. */
    Background spawnCommand(List<String> command, Map<String, String> environment, String stdin) {
        try {
            ProcessBuilder builder = builder(command).redirectErrorStream(true);
            builder.environment().putAll(environment);
            if (stdin != null) {
                builder.redirectInput(ProcessBuilder.Redirect.PIPE);
            }
            Process process = builder.start();
            if (stdin != null) {
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            return new Background(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(script().toString()));
        command.addAll(List.of(args));
        return command;
    }

    private ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("PILOT_HOME", home.toString());
        builder.environment().remove("PILOT_NODE");
        return builder;
    }

    /** A running process whose output lines are collected as they come. */
    static final class Background implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();
        private final Thread reader;

        private Background(Process process) {
            this.process = process;
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process went away: its lines so far are in the queue
                }
            }, "pilotctl-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** The first line from now on that matches; fails if the process ends or stays silent too long. */
        String awaitLine(Predicate<String> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.add(line);
                    if (wanted.test(line)) {
                        return line;
                    }
                } else if (!process.isAlive() && !reader.isAlive() && lines.isEmpty()) {
                    // (the reader gone too: a process that just ended may still have lines in the pipe)
                    throw new AssertionError("the process ended (exit " + process.exitValue() + ") without the line; output: " + seen);
                }
            }
            throw new AssertionError("no such line in time; output: " + seen);
        }

        /** Waits for the process to end by itself; its exit status. */
        int awaitExit() throws InterruptedException {
            if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("the process did not end; output: " + seen);
            }
            return process.exitValue();
        }

        long pid() {
            return process.pid();
        }

        /**
         * SIGTERM, as Ctrl-C or a service manager stops it, leaving its output readable: what it prints while it stops
         * (a summary, say) can still be awaited. ({@link Process#destroy()} would close the pipe from it as well, so
         * the process's last lines would be lost and its writes to the pipe fail.)
         */
        void terminate() {
            process.toHandle().destroy();
        }

        /** SIGTERM, as a service manager (or Ctrl-C, much the same to the JVM) stops it, and its output is closed. */
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
