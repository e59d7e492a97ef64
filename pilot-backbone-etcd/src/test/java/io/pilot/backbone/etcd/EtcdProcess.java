package io.pilot.backbone.etcd;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real etcd server for one test: its data in a temporary folder, on free loopback ports; stopped, killed or
 * restarted (same data, same ports) on demand. Tests that need one are skipped, saying why, where etcd is not
 * installed (Debian package etcd-server; {@code .ci/run} installs it).
 */
final class EtcdProcess implements AutoCloseable {

    private final Path dataDir;
    private final Path log;
    private final int clientPort;
    private final int peerPort;
    private final String name;
    private final String initialCluster;
    private final List<String> extraArgs;
    private Process process;

    private EtcdProcess(Path dataDir, String name, int clientPort, int peerPort, String initialCluster, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(name + ".log");
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.initialCluster = initialCluster;
        this.extraArgs = extraArgs;
    }

    /** Skips the calling test unless an etcd binary is on the PATH. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(binary() != null, "etcd is not installed (Debian package etcd-server): skipped");
    }

    /** A single-member etcd in {@code dir}, started. */
    static EtcdProcess start(Path dir, String... extraArgs) throws IOException {
        assumeInstalled();
        int client = freePort();
        int peer = freePort();
        EtcdProcess etcd = new EtcdProcess(dir.resolve("etcd-data"), "etcd", client, peer,
                "etcd=http://127.0.0.1:" + peer, List.of(extraArgs));
        etcd.start();
        return etcd;
    }

    /** A cluster of {@code size} members in {@code dir}, all started. */
    static List<EtcdProcess> cluster(Path dir, int size) throws IOException {
        assumeInstalled();
        int[] clients = new int[size];
        int[] peers = new int[size];
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < size; i++) {
            clients[i] = freePort();
            peers[i] = freePort();
            initial.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:").append(peers[i]);
        }
        List<EtcdProcess> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(new EtcdProcess(dir.resolve("m" + i + "-data"), "m" + i, clients[i], peers[i], initial.toString(), List.of()));
        }
        for (EtcdProcess member : members) {
            member.launch();
        }
        for (EtcdProcess member : members) {
            member.awaitServing();
        }
        return members;
    }

    String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    /** Starts (or restarts, on the same data and ports) the server and waits until it accepts connections. */
    void start() throws IOException {
        launch();
        awaitServing();
    }

    private void launch() throws IOException {
        List<String> command = new ArrayList<>(List.of(binary(), "--name", name, "--data-dir", dataDir.toString(),
                "--listen-client-urls", "http://127.0.0.1:" + clientPort,
                "--advertise-client-urls", "http://127.0.0.1:" + clientPort,
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
                "--initial-cluster-token", "pilot-test"));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    private void awaitServing() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("etcd exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try (Socket ignored = new Socket("127.0.0.1", clientPort)) {
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        throw new IOException("etcd did not open port " + clientPort + " within 30 s: " + Files.readString(log));
    }

    /** Stops the server gracefully (SIGTERM) and waits for it. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** Kills the server (SIGKILL). */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private static String binary() {
        for (String folder : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(folder, "etcd");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
