package io.pilot.backbone.etcd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * A real etcd server for one test ({@link LocalEtcd}); tests that need one are skipped, saying why, where etcd is
 * not installed (Debian package etcd-server; {@code .ci/run} installs it).
 */
final class EtcdProcess implements AutoCloseable {

    private final LocalEtcd etcd;

    private EtcdProcess(LocalEtcd etcd) {
        this.etcd = etcd;
    }

    /** Skips the calling test unless an etcd binary is on the PATH. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(LocalEtcd.installed(), "etcd is not installed (Debian package etcd-server): skipped");
    }

    /** A single-member etcd in {@code dir}, started. */
    static EtcdProcess start(Path dir, String... extraArgs) throws IOException {
        assumeInstalled();
        return new EtcdProcess(LocalEtcd.start(dir, extraArgs));
    }

    /** A cluster of {@code size} members in {@code dir}, all started. */
    static List<EtcdProcess> cluster(Path dir, int size) throws IOException {
        assumeInstalled();
        return LocalEtcd.cluster(dir, size).stream().map(EtcdProcess::new).toList();
    }

    static int freePort() throws IOException {
        return LocalEtcd.freePort();
    }

    String endpoint() {
        return etcd.endpoint();
    }

    /** Starts (or restarts, on the same data and ports) the server and waits until it accepts connections. */
    void start() throws IOException {
        etcd.start();
    }

    /** Stops the server gracefully (SIGTERM) and waits for it. */
    void stop() throws InterruptedException {
        etcd.stop();
    }

    /** Kills the server (SIGKILL). */
    void kill() throws InterruptedException {
        etcd.kill();
    }

    @Override
    public void close() throws InterruptedException {
        etcd.close();
    }
}
