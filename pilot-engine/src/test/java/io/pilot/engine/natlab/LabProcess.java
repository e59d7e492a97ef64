package io.pilot.engine.natlab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process running in a lab host. Its output goes to files (kept after the test, for post-mortems) rather
 * than pipes, so a chatty process can never block on a full pipe; tests read it back line by line. Standard
 * input stays open for commands.
 */
public final class LabProcess implements AutoCloseable {

    private static final long POLL_MILLIS = 20;

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final Writer stdin;

    LabProcess(String name, List<String> command, Path logs) {
        this.name = name;
        this.stdout = logs.resolve(name + ".out");
        this.stderr = logs.resolve(name + ".err");
        try {
            this.process = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Writes {@code line} to the process's standard input. */
    public void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + " no longer reads its input" + diagnostics(), e);
        }
    }

    /** The first complete output line matching {@code pattern}, waiting up to {@code timeout} for it. */
    public MatchResult awaitLine(Pattern pattern, Duration timeout) {
        return findLine(pattern, timeout).orElseThrow(() -> new AssertionError(
                name + " printed no line matching " + pattern + " within " + timeout + diagnostics()));
    }

    /**
     * The first complete output line matching {@code pattern} if one appears within {@code within}, for
     * asserting that something did <em>not</em> happen. Throws if the process exits without printing it: a
     * dead process would otherwise pass every "nothing arrived" check.
     */
    public Optional<MatchResult> findLine(Pattern pattern, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            boolean exited = !process.isAlive();
            for (String line : lines()) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.matches()) {
                    return Optional.of(matcher.toMatchResult());
                }
            }
            if (exited) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + diagnostics());
            }
            if (System.nanoTime() - deadline > 0) {
                return Optional.empty();
            }
            sleep();
        }
    }

    /** The complete lines printed so far; a line still being written is left out. */
    public List<String> lines() {
        try {
            String text = Files.readString(stdout);
            return text.substring(0, text.lastIndexOf('\n') + 1).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process and its descendants and waits for them to be gone. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String diagnostics() {
        try {
            List<String> out = lines();
            return "\n--- last output of " + name + " (" + stdout + ")\n"
                    + String.join("\n", out.subList(Math.max(0, out.size() - 20), out.size()))
                    + "\n--- errors\n" + Files.readString(stderr).strip();
        } catch (IOException e) {
            return " (its output cannot be read: " + e + ")";
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
