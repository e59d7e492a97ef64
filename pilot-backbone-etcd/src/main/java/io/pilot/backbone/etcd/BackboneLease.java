package io.pilot.backbone.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.DefaultThreadFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one etcd lease of a backbone, under which the records of the nodes attached to it are put. The backbone
 * keeps it alive (one keep-alive per third of its TTL, whatever the number of nodes); if it dies, etcd deletes
 * its nodes' records when the lease lapses, and every other backbone hears it. If etcd forgot the lease (an outage
 * longer than it), a new one is granted and the attached records are put again under it.
 */
final class BackboneLease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackboneLease.class);

    private final Client client;
    private final EtcdLocation location;
    private final long ttlSeconds;
    private final ScheduledExecutorService timer;
    private volatile long id;
    private volatile boolean lost;

    BackboneLease(Client client, EtcdLocation location, Duration ttl) {
        this.client = client;
        this.location = location;
        // etcd counts leases in whole seconds and refuses very short ones.
        this.ttlSeconds = Math.max(2, (ttl.toMillis() + 999) / 1000);
        this.timer = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("pilot-etcd-lease", true));
    }

    void grant() {
        id = EtcdCalls.await(client.getLeaseClient().grant(ttlSeconds), location, "grant this backbone's lease").getID();
        lost = false;
        log.info("etcd lease {} of this backbone granted ({} s)", Long.toHexString(id), ttlSeconds);
    }

    long id() {
        return id;
    }

    boolean isCurrent(long leaseId) {
        return leaseId != 0 && leaseId == id;
    }

    /**
     * Keeps the lease alive from now on; {@code regranted} puts the attached records again under a new one, and
     * {@code refreshed} runs after every refresh that etcd answered (to retry what failed while it did not).
     */
    void keepAlive(Runnable regranted, Runnable refreshed) {
        long period = Math.max(500, ttlSeconds * 1000 / 3);
        timer.scheduleWithFixedDelay(() -> refresh(regranted, refreshed), period, period, TimeUnit.MILLISECONDS);
    }

    private void refresh(Runnable regranted, Runnable refreshed) {
        try {
            if (!lost) {
                LeaseKeepAliveResponse response = EtcdCalls.await(client.getLeaseClient().keepAliveOnce(id), location,
                        "keep this backbone's lease alive");
                lost = response.getTTL() <= 0;
            }
            if (lost) {
                log.warn("etcd lost lease {} of this backbone: granting a new one", Long.toHexString(id));
                grant();
                regranted.run();
            }
            refreshed.run();
        } catch (RuntimeException e) {
            String message = String.valueOf(EtcdCalls.rootCause(e).getMessage());
            if (message.contains("lease not found")) {
                lost = true;
            }
            log.debug("etcd lease refresh failed ({}); retried in a moment", message);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
