package io.pilot.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The broker of the NATS baseline: Debian's {@code nats-server} started on a free loopback port with a temporary
 * configuration file, stopped with the section. {@link #find()} tells whether it is installed, so that a machine
 * without it gets a row saying so instead of a failed run.
 */
final class NatsServer implements AutoCloseable {

    static final String EXECUTABLE = "nats-server";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final int port;

    private NatsServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The {@code nats-server} executable on the {@code PATH} (or in /usr/sbin, where Debian puts it), if any. */
    static Optional<Path> find() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin";
        return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, EXECUTABLE)).filter(Files::isExecutable).findFirst();
    }

    /** Starts {@code executable} with a configuration in {@code dir}, its log beside it; returns once it accepts connections. */
    static NatsServer start(Path executable, Path dir) throws InterruptedException {
        int port = FreePorts.tcp();
        try {
            Path config = dir.resolve("nats-server.conf");
            Files.writeString(config, String.join("\n",
                    "# Written by bin/bench for its NATS request-reply baseline; loopback only, no persistence.",
                    "listen: 127.0.0.1:" + port,
                    "http_port: 0",
                    "max_payload: 1MB",
                    ""));
            Process process = new ProcessBuilder(executable.toString(), "-c", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nats-server.log").toFile()).start();
            NatsServer server = new NatsServer(process, port);
            server.awaitListening();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
    }

    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(EXECUTABLE + " exited with status " + process.exitValue()
                        + " before listening on port " + port);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IllegalStateException(EXECUTABLE + " did not listen on port " + port + " within " + START_TIMEOUT);
    }

    /** CPU time the broker has used so far. */
    long cpuNanos() {
        return ChildCpu.nanos(process);
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
