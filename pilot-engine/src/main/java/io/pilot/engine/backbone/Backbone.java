package io.pilot.engine.backbone;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.MachineAddresses;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryProtocol;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.netty.util.concurrent.DefaultThreadFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backbone role on a node: the directory of signed records that every node registers with, looks up
 * and watches. A role, not a product: any started {@link PilotNode} can take it, embedded in an application
 * or standalone ({@code pilotctl}'s {@code BackboneMain}), and it is reached over the same secure sessions as any
 * peer. It is a {@link BackboneDirectory} on the node's directory port, plus relaying for peers that cannot reach
 * each other directly and a timer that sweeps lapsed leases.
 */
public final class Backbone implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Backbone.class);

    private final PilotNode node;
    private final BackboneDirectory directory;
    private final DirectoryStore store;
    private final AutoCloseable listener;
    private final ScheduledExecutorService sweeper;
    private final BackboneStatus status;

    private Backbone(PilotNode node, BackboneSettings settings, DirectoryStore store) {
        this.node = node;
        this.store = store;
        this.directory = new BackboneDirectory(node, settings, store);
        // Lookups and heartbeats are answered on the event loop; registrations and the rest on the handler pool.
        this.listener = node.listen(DirectoryProtocol.PORT, directory, Integer.MAX_VALUE, directory::answerOnLoop);
        node.serveAsRelay(true);
        if (settings.joinToken() != null) {
            node.relayOnlyFor(membersOnly(directory, settings.leaseTtl()));
        }
        if (store instanceof SharedDirectoryStore shared) {
            // Several backbones: a node attached to another one is reached through it (docs/backbone-cluster.md).
            node.relayAcrossBackbones(shared::backboneOf);
            shared.announceRelay(MachineAddresses.reaching(node.localEndpoint()));
        }
        this.sweeper = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("pilot-backbone", true));
        long period = Math.max(50, settings.leaseTtl().toMillis() / 10);
        sweeper.scheduleWithFixedDelay(this::expireLeases, period, period, TimeUnit.MILLISECONDS);
        this.status = new BackboneStatus(new BackboneStatus.Heading(node.address().toString(), node.address().realm(),
                HostPort.format(node.localEndpoint())), new BackboneStatusSource(node, directory), System::currentTimeMillis);
        status.scheduleOn(sweeper);
    }

    /**
     * Whom the relay of a realm that needs a join token serves: its members, the nodes registered. A backbone that
     * starts with an empty directory (no store, or one that kept nothing) knows none of the members whose sessions it
     * relayed before a restart, and each registers again only at its next heartbeat: for one lease after such a start
     * it relays for every node with a session, so that their relayed sessions do not stall meanwhile.
     */
    static Predicate<PilotAddress> membersOnly(BackboneDirectory directory, Duration leaseTtl) {
        if (directory.registrations() > 0) {
            return directory::isRegistered;
        }
        long graceEnds = System.nanoTime() + leaseTtl.toNanos();
        return address -> System.nanoTime() - graceEnds < 0 || directory.isRegistered(address);
    }

    /** Runs the backbone role on a started node. The store is closed with the backbone. */
    public static Backbone start(PilotNode node, BackboneSettings settings, DirectoryStore store) {
        Backbone backbone = new Backbone(node, settings, store);
        log.info("Pilot backbone on {} (udp {}), key {}, {} registrations restored", node.address(), HostPort.format(node.localEndpoint()),
                node.publicKey(), backbone.directory.registrations());
        return backbone;
    }

    public PilotNode node() {
        return node;
    }

    /** What its status page shows (groups, agents by path, rates, recent joins and leaves). */
    public BackboneStatus status() {
        return status;
    }

    /** Bytes relayed to other backbones of the realm for the nodes attached to them. */
    public long forwardedBytes() {
        return node.forwardedBytes();
    }

    /** The directory it answers with. */
    BackboneDirectory directory() {
        return directory;
    }

    /** Live registrations. */
    public int registrations() {
        return directory.registrations();
    }

    /** Watch subscriptions held, over all nodes. */
    public int watches() {
        return directory.watches();
    }

    /** Group definitions held. */
    public int groups() {
        return directory.groups();
    }

    /** The directory's revision: it grows by one with every change. */
    public long revision() {
        return directory.revision();
    }

    /**
     * Directory requests received with operation {@code op}, one of the {@code DirectoryProtocol.OP_*} codes
     * (refused ones included): how much the nodes lean on this backbone, e.g. lookups that views spare.
     */
    public long requests(int op) {
        return directory.requests(op);
    }

    /** Refused requests by reason. */
    public Map<DirectoryError, Long> refusals() {
        return directory.refusals();
    }

    private void expireLeases() {
        if (node.isClosed()) {
            // Its node was closed first (the usual order is this backbone, then the node): nothing is served any
            // more, so the timers stop and the store is closed, rather than sampling a closed node every second.
            log.info("the backbone's node was closed: the backbone on {} stops too", node.address());
            // On this sweeper thread: shutdownNow would interrupt it, and the store's last sync with it.
            sweeper.shutdown();
            try {
                release();
            } catch (RuntimeException e) {
                log.warn("closing the directory store failed", e);
            }
            return;
        }
        try {
            directory.expireLeases();
        } catch (RuntimeException e) {
            log.warn("lease expiry failed; retrying at the next sweep", e);
        }
    }

    /** Stops serving the directory (the node keeps running) and closes the store. */
    @Override
    public void close() {
        // A sweep under way finishes first: interrupted, it would lose the store's write or sync it was making.
        sweeper.shutdown();
        try {
            if (!sweeper.awaitTermination(5, TimeUnit.SECONDS)) {
                sweeper.shutdownNow(); // a store call that hangs (etcd away) must not hang the close
            }
        } catch (InterruptedException e) {
            sweeper.shutdownNow();
            Thread.currentThread().interrupt();
        }
        release();
    }

    private void release() {
        try {
            listener.close();
        } catch (Exception e) {
            log.debug("unlisten failed", e);
        }
        store.close();
    }
}
