package io.pilot.benchmarks;

import io.pilot.backbone.etcd.EtcdDirectoryStore;
import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.BackboneDirectory;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * One backbone of a realm whose directory lives in etcd: a real node on loopback, answering the directory port
 * over real sessions, with a {@link BackboneDirectory} on an {@link EtcdDirectoryStore} of its own (its own
 * etcd client, its own lease), as {@code Backbone.start} composes one, and a lease sweeper at the same period. It
 * holds the directory itself (as {@code BackboneDirectory} allows) so that the benchmark can also hand requests
 * to it in-process, as from agents whose sessions it does not run.
 */
final class RealmBackbone implements AutoCloseable {

    private final PilotNode node;
    private final EtcdDirectoryStore store;
    private final BackboneDirectory directory;
    private final AutoCloseable listener;
    private final ScheduledExecutorService sweeper;

    /**
     * @param identity the realm's backbone identity, shared by all its backbones (agents pin one key)
     * @param etcd {@code etcd://HOST:PORT}
     */
    RealmBackbone(Identity identity, String etcd, BackboneSettings settings) {
        node = PilotNode.builder().identity(identity).bindAddress("127.0.0.1", 0).build().start();
        try {
            store = EtcdDirectoryStore.open(etcd, node.address().realm(), settings.leaseTtl());
            directory = new BackboneDirectory(node, settings, store);
            listener = node.listen(DirectoryProtocol.PORT, directory);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("pilot-backbone", true));
        long period = Math.max(50, settings.leaseTtl().toMillis() / 10);
        sweeper.scheduleWithFixedDelay(directory::expireLeases, period, period, TimeUnit.MILLISECONDS);
    }

    PilotNode node() {
        return node;
    }

    /** Live registrations this backbone holds: its own agents' and, replicated through etcd, the others'. */
    int registrations() {
        return directory.registrations();
    }

    long revision() {
        return directory.revision();
    }

    /** Hands a request to the directory in-process, as the node does for one that arrived on a session. */
    byte[] handle(IncomingMessage request) {
        Message reply = directory.handle(request).toCompletableFuture().join();
        return reply.body();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            listener.close();
        } catch (Exception ignored) {
            // the node closes below anyway
        }
        store.close();
        node.close();
    }
}
