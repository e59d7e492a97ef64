package io.pilot.backbone.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway etcd server on loopback, for tests and benchmarks (not for running a realm): its data in a folder
 * the caller gives (a temporary one), on free loopback ports; stopped, killed or restarted (same data, same ports)
 * on demand. It runs the {@code etcd} binary found on the PATH (Debian package etcd-server; {@code .ci/run}
 * installs it): callers check {@link #installed()} first and skip, saying why, where it is missing.
 */
public final class LocalEtcd implements AutoCloseable {

    /** Ports below the kernel's ephemeral range are chosen from here up: clear of the well-known and most fixed ones. */
    private static final int FIRST_FIXED_PORT = 20_000;
    /** Ports {@link #freePort} chose: a cluster's members are given theirs before any binds them. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private final Path dataDir;
    private final Path log;
    private final int clientPort;
    private final int peerPort;
    private final String name;
    private final String initialCluster;
    private final List<String> extraArgs;
    private Process process;

    private LocalEtcd(Path dataDir, String name, int clientPort, int peerPort, String initialCluster, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(name + ".log");
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.initialCluster = initialCluster;
        this.extraArgs = extraArgs;
    }

    /** Whether an etcd binary is on the PATH. */
    public static boolean installed() {
        return binary() != null;
    }

    /** A single-member etcd in {@code dir}, started; {@code extraArgs} are passed to etcd as they are. */
    public static LocalEtcd start(Path dir, String... extraArgs) throws IOException {
        requireInstalled();
        int client = freePort();
        int peer = freePort();
        LocalEtcd etcd = new LocalEtcd(dir.resolve("etcd-data"), "etcd", client, peer,
                "etcd=http://127.0.0.1:" + peer, List.of(extraArgs));
        etcd.start();
        return etcd;
    }

    /** A cluster of {@code size} members in {@code dir}, all started. */
    public static List<LocalEtcd> cluster(Path dir, int size) throws IOException {
        requireInstalled();
        int[] clients = new int[size];
        int[] peers = new int[size];
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < size; i++) {
            clients[i] = freePort();
            peers[i] = freePort();
            initial.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:").append(peers[i]);
        }
        List<LocalEtcd> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(new LocalEtcd(dir.resolve("m" + i + "-data"), "m" + i, clients[i], peers[i], initial.toString(), List.of()));
        }
        for (LocalEtcd member : members) {
            member.launch();
        }
        for (LocalEtcd member : members) {
            member.awaitServing();
        }
        return members;
    }

    /** HOST:PORT of its client listener, as {@code etcd://} URLs name it. */
    public String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    /** The server's process id (for its CPU time, say); -1 before it was started. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /** etcd's own Prometheus metrics, served on the client listener. */
    public URI metrics() {
        return URI.create("http://" + endpoint() + "/metrics");
    }

    /** Starts (or restarts, on the same data and ports) the server and waits until it accepts connections. */
    public void start() throws IOException {
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
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** Kills the server (SIGKILL). */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /** The first line of {@code etcd --version}, e.g. {@code etcd Version: 3.4.23}. */
    public static String version() throws IOException {
        requireInstalled();
        Process version = new ProcessBuilder(binary(), "--version").redirectErrorStream(true).start();
        try (InputStream out = version.getInputStream()) {
            return new String(out.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("etcd");
        }
    }

    private static void requireInstalled() {
        if (!installed()) {
            throw new IllegalStateException("etcd is not installed (Debian package etcd-server)");
        }
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

    /**
     * A loopback port free at the time of the call, never handed out before by this process and, where the kernel
     * says which ports it gives outgoing connections (Linux, a range starting above 21,000), outside that range. A port
     * the kernel chose for a listener is also one it may choose as the source of the next outgoing connection: the
     * members of a cluster dial each other while the later ones start, and one member's dial took another's port
     * before it was bound ({@code bind: address already in use}). Elsewhere, or if 200 tries find nothing free there,
     * it is a port the kernel chooses, with that race.
     */
    public static int freePort() throws IOException {
        int[] ephemeral = ephemeralRange();
        if (ephemeral[0] > FIRST_FIXED_PORT + 1_000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int candidate = ThreadLocalRandom.current().nextInt(FIRST_FIXED_PORT, ephemeral[0]);
                if (HANDED_OUT.contains(candidate)) {
                    continue;
                }
                try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                    HANDED_OUT.add(candidate);
                    return candidate;
                } catch (IOException taken) {
                    // someone listens there: try another
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The kernel's ephemeral port range (Linux), or an empty range where it cannot be read. */
    private static int[] ephemeralRange() {
        try {
            // readAllLines, not readString: on this kernel readString returned the first byte of the /proc file only
            String[] bounds = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
            return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
        } catch (IOException | RuntimeException unreadable) {
            return new int[] {0, 0};
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
