package io.pilot.backbone.etcd;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.identity.IdentityStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A backbone on etcd in a JVM of its own, so that a test can kill it with SIGKILL ({@code kill -9}): nothing of
 * it gets to close (its etcd lease is not revoked, its sessions are not told). Started with the test's class path;
 * its {@link #main} prints the UDP endpoint it serves on, then serves until killed.
 */
final class BackboneProcess implements AutoCloseable {

    private static final String READY = "backbone serving on ";

    private final Process process;
    private final InetSocketAddress endpoint;

    private BackboneProcess(Process process, InetSocketAddress endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /**
     * Starts a backbone with the realm's identity file on {@code store}, and waits until it serves.
     *
     * @param leaseTtl the backbone's lease: its nodes' heartbeats, and its etcd lease
     */
    static BackboneProcess start(Path identity, String store, Duration leaseTtl, Path log) throws IOException {
        return start(identity, store, leaseTtl, 0, log, "127.0.0.1");
    }

    /** As {@link #start(Path, String, Duration, Path)}, on UDP port {@code udpPort} of loopback (0: any free one). */
    static BackboneProcess start(Path identity, String store, Duration leaseTtl, int udpPort, Path log) throws IOException {
        return start(identity, store, leaseTtl, udpPort, log, "127.0.0.1");
    }

    /** As {@link #start(Path, String, Duration, Path)}, its socket bound to {@code bindHost} ({@code ::}: both families). */
    static BackboneProcess start(Path identity, String store, Duration leaseTtl, Path log, String bindHost) throws IOException {
        return start(identity, store, leaseTtl, 0, log, bindHost);
    }

    private static BackboneProcess start(Path identity, String store, Duration leaseTtl, int udpPort, Path log,
            String bindHost) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                BackboneProcess.class.getName(), identity.toString(), store, Long.toString(leaseTtl.toMillis()),
                Integer.toString(udpPort), bindHost));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(READY)) {
                int port = Integer.parseInt(line.substring(READY.length()).trim());
                return new BackboneProcess(process, new InetSocketAddress("127.0.0.1", port));
            }
        }
        throw new IOException("the backbone process exited before serving: " + Files.readString(log));
    }

    InetSocketAddress endpoint() {
        return endpoint;
    }

    /** SIGKILL, as {@code kill -9}: the backbone gets no chance to close anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /** {@code IDENTITY-FILE ETCD-URL LEASE-MILLIS PORT BIND-HOST}: serves a backbone (port 0: a free one) until killed. */
    public static void main(String[] args) throws Exception {
        PilotNode node = PilotNode.builder().identity(IdentityStore.load(Path.of(args[0])))
                .bindAddress(args[4], Integer.parseInt(args[3])).answerStun(true).build().start();
        Duration lease = Duration.ofMillis(Long.parseLong(args[2]));
        Backbone.start(node, BackboneSettings.DEFAULTS.withLeaseTtl(lease), EtcdDirectoryStore.open(args[1], 0, lease));
        System.out.println(READY + node.localEndpoint().getPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
