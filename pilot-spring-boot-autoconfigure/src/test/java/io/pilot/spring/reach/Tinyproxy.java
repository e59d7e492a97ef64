package io.pilot.spring.reach;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code tinyproxy}, a real HTTP CONNECT proxy, as a process of the test: its configuration written to
 * {@code dir}, on a free loopback port, with basic authentication, in the foreground until {@link #close}. The
 * test is skipped (an assumption) where the binary is missing ({@code apt-get install tinyproxy}; .ci/run does).
 */
final class Tinyproxy implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/tinyproxy");

    private final Process process;
    private final int port;

    private Tinyproxy(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts it, allowing {@code user}/{@code password} only; returns once it accepts connections. */
    static Tinyproxy start(Path dir, String user, String password) throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "no tinyproxy here (apt-get install tinyproxy)");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("tinyproxy.conf"), String.join("\n", List.of(
                "Port " + port,
                "Listen 127.0.0.1",
                "Timeout 60",
                "MaxClients 20",
                "LogLevel Info",
                "LogFile \"" + dir.resolve("tinyproxy.log") + "\"",
                "PidFile \"" + dir.resolve("tinyproxy.pid") + "\"",
                "Allow 127.0.0.1",
                "BasicAuth " + user + " " + password,
                "")));
        Process process = new ProcessBuilder(BINARY.toString(), "-d", "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("tinyproxy.out").toFile()).start();
        Tinyproxy proxy = new Tinyproxy(process, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return proxy;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("tinyproxy exited with " + process.exitValue() + ": "
                            + Files.readString(dir.resolve("tinyproxy.out")));
                }
                Thread.sleep(50);
            }
        }
        proxy.close();
        throw new IllegalStateException("tinyproxy did not listen on 127.0.0.1:" + port + " within 10 s");
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
