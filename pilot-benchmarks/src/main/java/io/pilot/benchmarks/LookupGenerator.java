package io.pilot.benchmarks;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's handle on one {@link LookupLoadGenerator} child process: starts it against a backbone, waits
 * until its sessions are held, tells it to run or pause, and reads its counts. Ends it by closing its input.
 */
final class LookupGenerator implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(60);

    private final Process process;
    private final BlockingQueue<String> counts = new LinkedBlockingQueue<>();
    private volatile String error;
    private long failed;

    private LookupGenerator(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "lookup-generator-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts generator {@code index} (its own loopback address) and waits until all its sessions are registered. */
    static LookupGenerator start(PilotNode backbone, int index, List<String> hostnames, Duration lease) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC"));
        // To profile a generator: e.g. -Dbench.generator.jvmOptions=-XX:StartFlightRecording=filename=/tmp/gen-{index}.jfr
        String options = System.getProperty("bench.generator.jvmOptions", "").replace("{index}", Integer.toString(index));
        if (!options.isBlank()) {
            command.addAll(List.of(options.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LookupLoadGenerator.class.getName(),
                HostPort.format(backbone.localEndpoint()), Integer.toString(backbone.address().realm()),
                Integer.toString(BackboneBenchmark.GENERATOR_SESSIONS), "127.0.0." + (40 + index),
                Integer.toString(900_000 + index * 1_000), Integer.toString(BackboneBenchmark.GENERATOR_DEPTH),
                Long.toString(lease.toMillis() / 3)));
        command.addAll(hostnames);
        LookupGenerator generator;
        try {
            generator = new LookupGenerator(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a lookup generator: " + e.getMessage(), e);
        }
        generator.awaitHeld();
        return generator;
    }

    private void awaitHeld() {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            String[] count = count();
            if (Integer.parseInt(field(count, "held")) == BackboneBenchmark.GENERATOR_SESSIONS) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("a lookup generator's sessions were not all registered within " + READY
                + (error == null ? "" : ": " + error));
    }

    void command(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the lookup generator went away" + (error == null ? "" : ": " + error), e);
        }
    }

    /**
     * What the generators did so far, summed: lookups answered with their one record, datagrams each way, and the CPU
     * time of their processes (every thread: the load loop, JIT, GC), so that a window's cost per lookup on the
     * generators' side is a difference of two of these.
     */
    record Totals(long lookups, long datagramsIn, long datagramsOut, long cpuNanos) {

        static Totals of(List<LookupGenerator> generators) {
            long lookups = 0;
            long in = 0;
            long out = 0;
            long cpu = 0;
            for (LookupGenerator generator : generators) {
                String[] count = generator.count();
                lookups += Long.parseLong(field(count, "lookups"));
                in += Long.parseLong(field(count, "in"));
                out += Long.parseLong(field(count, "out"));
                cpu += generator.process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
            }
            return new Totals(lookups, in, out, cpu);
        }

        Totals since(Totals start) {
            return new Totals(lookups - start.lookups, datagramsIn - start.datagramsIn,
                    datagramsOut - start.datagramsOut, cpuNanos - start.cpuNanos);
        }
    }

    /** The first line the generator printed that was not a count: why a session failed, or the error it died of. */
    String error() {
        return error;
    }

    /** Sessions that failed (a refused or malformed reply, a broken connection), as last counted. */
    long failed() {
        return Long.parseLong(field(count(), "failed"));
    }

    private String[] count() {
        command("count");
        try {
            String line = counts.poll(30, TimeUnit.SECONDS); // a JVM starting on a loaded machine
            if (line == null) {
                throw new IllegalStateException("the lookup generator did not answer" + (error == null ? "" : ": " + error));
            }
            return line.substring("count ".length()).split(" ");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String field(String[] fields, String name) {
        for (String field : fields) {
            if (field.startsWith(name + "=")) {
                return field.substring(name.length() + 1);
            }
        }
        throw new IllegalStateException("no " + name + " in a lookup generator's count");
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("count ")) {
                    counts.add(line);
                } else if (!line.isBlank() && error == null && !line.contains("DEBUG")) {
                    error = line;
                }
            }
        } catch (IOException e) {
            // the child ended
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // it is going anyway
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "lookup generator pid %d", process.pid());
    }
}
