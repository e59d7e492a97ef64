package io.pilot.engine.directory;

import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryClient.WatchListener;
import io.pilot.engine.directory.DirectoryProtocol.Query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's watches: subscribes at the backbone, routes each pushed event to its watch (holding those
 * that overtake their watch's reply), and renews every watch when the backbone has started anew.
 */
final class Watches {

    private static final Logger log = LoggerFactory.getLogger(Watches.class);

    private final BackboneCall backbone;
    private final Lookups lookups;
    private final RecordCache cache;
    private final Map<Integer, Watch> watches = new ConcurrentHashMap<>();
    private final OrphanEvents orphans = new OrphanEvents();

    /** @param lookups reads, verifies and caches the records of a watch's snapshot */
    Watches(BackboneCall backbone, Lookups lookups, RecordCache cache) {
        this.backbone = backbone;
        this.lookups = lookups;
        this.cache = cache;
    }

    /**
     * Watches what {@code query} selects; the listener first hears a {@code joined} for every current match,
     * then every change as the backbone pushes it.
     */
    CompletableFuture<Watch> watch(Query query, String value, WatchListener listener) {
        Objects.requireNonNull(listener, "listener");
        return subscribe(query, value).thenApply(snapshot -> {
            Watch watch = new Watch(query, value, listener);
            watch.start(snapshot.id(), snapshot.revision(), snapshot.records());
            watches.put(snapshot.id(), watch);
            orphans.release(watch);
            return watch;
        });
    }

    /** Stops a watch here and at the backbone. */
    void close(Watch watch) {
        watches.remove(watch.id());
        unwatch(watch.id());
    }

    /** Stops a watch here only: for a client that deregisters, which ends its watches at the backbone. */
    void forget(Watch watch) {
        watches.remove(watch.id());
    }

    private void unwatch(int subscription) {
        backbone.send(new BinaryWriter().u8(DirectoryProtocol.OP_UNWATCH).u32(subscription).toBytes())
                .exceptionally(error -> null); // the backbone is away: its watches die with our lease anyway
    }

    /** An event the backbone pushed: the cache learns it, and so does its watch (now, or once it exists). */
    void onEvent(int kind, int subscription, long revision, SignedRecord signed) {
        if (kind == DirectoryProtocol.EVENT_LEAVE) {
            cache.remove(signed.record());
        } else {
            cache.put(signed);
        }
        Watch watch = watches.get(subscription);
        if (watch == null) {
            orphans.hold(subscription, kind, revision, signed.record(), System.currentTimeMillis());
            return;
        }
        watch.apply(kind, revision, signed.record());
    }

    /** The backbone started anew, and its watches are gone: subscribes every watch again. */
    void backboneRestarted() {
        renewAll("the backbone restarted", false);
    }

    /**
     * This node was away from the backbone (or the backbone let its lease lapse): the backbone dropped its
     * watches, or could not push it events meanwhile. Subscribes every watch again and ends the old
     * subscriptions, which the same backbone may still hold.
     */
    void reconnected() {
        renewAll("back in touch with the backbone", true);
    }

    private void renewAll(String why, boolean endOld) {
        if (watches.isEmpty()) {
            return;
        }
        log.info("{}; renewing {} watches", why, watches.size());
        new ArrayList<>(watches.values()).forEach(watch -> renew(watch, endOld));
    }

    /**
     * Subscribes again under a new id and tells the listener what changed while it was not watching.
     *
     * @param endOld whether to end the old subscription: only on the backbone that granted it, since a
     *               restarted one numbers its subscriptions afresh and the old id may now be another watch's
     */
    private void renew(Watch watch, boolean endOld) {
        subscribe(watch.query(), watch.value()).thenAccept(snapshot -> {
            int old;
            synchronized (watch) {
                old = watch.id();
                watches.remove(old);
                watch.restart(snapshot.id(), snapshot.revision());
                watches.put(snapshot.id(), watch);
            }
            if (endOld) {
                unwatch(old);
            }
            orphans.release(watch);
            watch.resync(snapshot.records());
        }).exceptionally(error -> {
            log.warn("could not renew a watch on {} {}: {}", watch.query(), watch.value(),
                    BackboneCall.unwrap(error).getMessage());
            return null;
        });
    }

    private record Snapshot(int id, long revision, List<NodeRecord> records) {
    }

    private CompletableFuture<Snapshot> subscribe(Query query, String value) {
        byte[] request = new BinaryWriter().u8(DirectoryProtocol.OP_WATCH).u8(query.ordinal()).string8(value).toBytes();
        return backbone.call(request, reader -> {
            int id = (int) reader.u32();
            long revision = reader.u64();
            List<NodeRecord> current = lookups.readRecords(reader);
            reader.end();
            return new Snapshot(id, revision, current);
        });
    }
}
