package io.pilot.engine.directory;

import io.pilot.engine.PilotNode;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryClient.Status;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node registered: publishes its signed record with its group credentials, keeps the lease alive
 * with heartbeats, republishes before the record expires, and registers again after an outage or when the
 * backbone has forgotten it. It also notices a backbone that started anew (another epoch in a reply).
 *
 * <p>While the backbone cannot be reached it retries on its own, the waits growing by {@link RetryBackoff}
 * (exponential, jittered, capped); heartbeats stop meanwhile and start again with the next registration.
 */
final class Registration {

    private static final Logger log = LoggerFactory.getLogger(Registration.class);

    private final PilotNode node;
    private final ClientSettings settings;
    private final BackboneLink backbone;
    private final Lookups lookups;
    private final RecordSigner signer;
    private final Watches watches;
    private final RetryBackoff backoff;
    /** A retry is scheduled: a second failure meanwhile (a late heartbeat's) must not start a second chain. */
    private final AtomicBoolean retrying = new AtomicBoolean();
    private volatile Status status = Status.STARTING;
    private volatile String lastError = "";
    private volatile InetSocketAddress reflexive;
    private volatile SignedRecord published;
    /** Replaced whole by {@link #changeMembership}; read once per registration. */
    private volatile Membership membership;
    private volatile long heartbeatMillis;
    private long backboneEpoch;
    private ScheduledFuture<?> heartbeat;
    private volatile boolean closed;
    /** The backbone said it no longer knows this node: its lease lapsed, and its watches went with it. */
    private volatile boolean lapsed;
    /** Completed by the first registration that succeeds; failed by a refusal at start, or by closing. */
    private final CompletableFuture<NodeRecord> firstRegistration = new CompletableFuture<>();

    /**
     * @param lookups finds the record the backbone holds of this node, when it refuses ours as stale
     * @param watches renewed when the backbone started anew, or when this node comes back after an outage
     * @param backoff how long to wait between attempts while the backbone cannot be reached
     */
    Registration(PilotNode node, ClientSettings settings, Membership membership, BackboneLink backbone,
                 Lookups lookups, Watches watches, RetryBackoff backoff) {
        this.backoff = backoff;
        this.node = node;
        this.settings = settings;
        this.membership = membership;
        this.backbone = backbone;
        this.lookups = lookups;
        this.watches = watches;
        this.signer = new RecordSigner(node.identity(), node.address().realm(), settings);
    }

    Status status() {
        return status;
    }

    String lastError() {
        return lastError;
    }

    Optional<NodeRecord> record() {
        return Optional.ofNullable(published).map(SignedRecord::record);
    }

    Optional<InetSocketAddress> reflexiveEndpoint() {
        return Optional.ofNullable(reflexive);
    }

    /**
     * Registers; completes once the node is discoverable. If the backbone cannot be reached the future
     * fails, and registration is retried in the background.
     */
    CompletableFuture<NodeRecord> start() {
        return registerNow().whenComplete((record, error) -> {
            if (error == null || closed) {
                return;
            }
            Throwable cause = BackboneCall.unwrap(error);
            // A refusal (bad token, hostname taken...) will not change by retrying; an outage may.
            if (BackboneCall.refused(error)) {
                firstRegistration.completeExceptionally(cause);
                lastError = cause.getMessage();
                log.error("the backbone refused to register this node ({}); not retrying", cause.getMessage());
            } else {
                unreachable(cause);
            }
        });
    }

    /**
     * Completes with this node's record once it has registered, at the first attempt or at a retry after an
     * outage; fails if the backbone refused it at start, or the client closed first.
     */
    CompletableFuture<NodeRecord> registered() {
        return firstRegistration.copy();
    }

    /** Whether the first registration has completed, as {@link #registered} would say, without a future made. */
    boolean firstRegistered() {
        return firstRegistration.isDone() && !firstRegistration.isCompletedExceptionally();
    }

    /**
     * Changes the groups and publishes the record at once. If that fails, the change is undone (unless a
     * later change replaced it, which decides for itself).
     */
    CompletableFuture<NodeRecord> changeMembership(UnaryOperator<Membership> change) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the directory client is closed"));
        }
        Membership before;
        Membership after;
        synchronized (this) {
            before = membership;
            after = change.apply(before);
            membership = after;
        }
        return registerNow().whenComplete((record, error) -> {
            if (error != null) {
                synchronized (this) {
                    if (membership == after) {
                        membership = before;
                    }
                }
            }
        });
    }

    /** Deregisters (so peers hear at once that this node is gone) and stops heartbeats and retries. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        firstRegistration.completeExceptionally(new IllegalStateException("the directory client is closed"));
        stopHeartbeat();
        if (published != null && backbone.address().isPresent()) {
            try {
                backbone.send(new BinaryWriter().u8(DirectoryProtocol.OP_DEREGISTER).toBytes()).get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("deregistration failed: {}", e.getMessage());
            }
        }
    }

    boolean closed() {
        return closed;
    }

    private CompletableFuture<NodeRecord> registerNow() {
        return registerOnce().exceptionallyCompose(error -> {
            if (!(BackboneCall.unwrap(error) instanceof DirectoryException refusal)
                    || refusal.error() != DirectoryError.STALE_SEQUENCE) {
                return CompletableFuture.failedFuture(BackboneCall.unwrap(error));
            }
            // The backbone holds a newer record of ours: a restart with a clock behind the last one, or a
            // second process with this identity. Continue after the sequence the backbone holds.
            return lookups.lookup(node.address()).thenCompose(held -> {
                signer.continueAfter(held.sequence());
                log.warn("the backbone held a newer record of this node (sequence {}); publishing after it", held.sequence());
                return registerOnce();
            });
        });
    }

    private synchronized CompletableFuture<NodeRecord> registerOnce() {
        return backbone.connectWithinTimeout().thenCompose(address -> {
            Membership groups = membership;
            SignedRecord signed = signer.sign(endpoints(), groups);
            return backbone.call(registerRequest(signed, groups), Lease::read).thenCompose(lease -> {
                boolean wasAway = status == Status.BACKBONE_UNREACHABLE || lapsed;
                boolean restarted = noteEpoch(lease.epoch());
                registered(signed, lease);
                lapsed = false;
                firstRegistration.complete(signed.record());
                // Renewed once, whichever way: a restart's renewal must not be followed by one that ends the
                // old subscription ids, which the restarted backbone may have handed out again.
                if (wasAway) {
                    log.info("registered with backbone {}", backbone.address().orElse(null));
                    if (!restarted) {
                        watches.reconnected();
                    }
                }
                InetSocketAddress observed = lease.observed();
                if (observed != null && signed.record().endpoints().stream().noneMatch(e -> e.address().equals(observed))) {
                    // Publish the reflexive endpoint too: peers outside our network need it.
                    SignedRecord withReflexive = signer.sign(endpoints(), groups);
                    return backbone.send(registerRequest(withReflexive, groups)).thenApply(again -> {
                        registered(withReflexive, lease);
                        return withReflexive.record();
                    });
                }
                return CompletableFuture.completedFuture(signed.record());
            });
        });
    }

    private byte[] registerRequest(SignedRecord signed, Membership groups) {
        BinaryWriter request = new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER)
                .string8(settings.joinToken() == null ? "" : settings.joinToken()).u8(groups.credentials().size());
        groups.credentials().forEach((group, credential) -> request.string8(group).bytes16(credential));
        return request.bytes16(signed.toBytes()).toBytes();
    }

    private List<Endpoint> endpoints() {
        return RecordSigner.endpoints(node.localEndpoint(), reflexive,
                backbone.endpoint().orElse(null));
    }

    /** A register reply: the lease granted, the backbone's epoch and where it sees this node from. */
    private record Lease(long leaseMillis, long epoch, InetSocketAddress observed) {
        static Lease read(BinaryReader reply) {
            long lease = reply.u32();
            reply.u64(); // the backbone's revision: only watches need it
            long epoch = reply.u64();
            InetSocketAddress observed = reply.u8() == 1 ? reply.socketAddress() : null;
            reply.end();
            return new Lease(lease, epoch, observed);
        }

        /** Three heartbeats per lease, so one lost beat does not lose the registration. */
        long heartbeatMillis() {
            return Math.max(50, leaseMillis / 3);
        }
    }

    private synchronized void registered(SignedRecord signed, Lease lease) {
        published = signed;
        reflexive = lease.observed();
        status = Status.REGISTERED;
        lastError = "";
        backoff.reset();
        // Another node learns of a restart at its next heartbeat (a third of a lease); one whose heartbeat fell in the
        // outage retries after up to the longest backoff, and each attempt may wait a request timeout.
        watches.restartGrace(lease.leaseMillis() + backoff.longest().toMillis() + settings.requestTimeout().toMillis());
        long interval = lease.heartbeatMillis();
        if (heartbeat == null || heartbeatMillis != interval) {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            heartbeatMillis = interval;
            heartbeat = DirectoryTimer.TIMER.scheduleWithFixedDelay(this::heartbeat, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    private void heartbeat() {
        if (closed) {
            return;
        }
        SignedRecord current = published;
        boolean republish = current == null || signer.due(current.record(), System.currentTimeMillis());
        CompletableFuture<Boolean> beat = republish ? registerNow().thenApply(record -> false)
                : backbone.call(new BinaryWriter().u8(DirectoryProtocol.OP_HEARTBEAT).toBytes(), reply -> {
                    reply.u32();
                    long epoch = reply.u64();
                    reply.end();
                    return epoch;
                }).thenApply(this::noteEpoch);
        beat.whenComplete((restarted, error) -> {
            if (error == null) {
                watches.endMissing();
                if (status != Status.REGISTERED) {
                    status = Status.REGISTERED;
                    log.info("backbone {} reachable again", backbone.address().orElse(null));
                    if (!restarted) {
                        watches.reconnected();
                    }
                } else if (!restarted) {
                    // Not while every watch is being renewed anyway (a restart, a return): one renewal at a time.
                    watches.renewStuck();
                }
                return;
            }
            Throwable cause = BackboneCall.unwrap(error);
            if (cause instanceof DirectoryException refusal && refusal.error() == DirectoryError.NOT_REGISTERED) {
                lapsed = true;
                start();
            } else {
                unreachable(cause);
            }
        });
    }

    /**
     * The backbone did not answer: heartbeats stop (each would fail the same way) and registration is retried
     * after a backoff; the next success starts heartbeats again.
     */
    private void unreachable(Throwable cause) {
        if (status != Status.BACKBONE_UNREACHABLE) {
            log.warn("backbone unreachable ({}); cached records keep serving, established tunnels keep working",
                    cause.getMessage());
        }
        status = Status.BACKBONE_UNREACHABLE;
        lastError = cause.getMessage();
        stopHeartbeat();
        if (closed || !retrying.compareAndSet(false, true)) {
            return;
        }
        // A backbone that answered with a refusal (its store is down) is not left: every backbone shares that store.
        // One that did not answer is: the next of the realm's backbones is tried at once, before this node's lease
        // there lapses; only once all of them failed in a row does the client wait.
        boolean anotherBackbone = !(cause instanceof DirectoryException) && backbone.failover();
        Duration delay = anotherBackbone ? Duration.ZERO : backoff.next();
        log.debug("registering again in {} ms", delay.toMillis());
        DirectoryTimer.TIMER.schedule(() -> {
            retrying.set(false);
            if (!closed) {
                start();
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private synchronized void stopHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
    }

    /**
     * A reply from a backbone that started anew (another epoch) means its watches are gone: renews them.
     * Returns whether it had.
     */
    private boolean noteEpoch(long epoch) {
        long previous;
        synchronized (this) {
            previous = backboneEpoch;
            backboneEpoch = epoch;
        }
        boolean restarted = previous != 0 && previous != epoch;
        if (restarted) {
            watches.backboneRestarted();
        }
        return restarted;
    }
}
