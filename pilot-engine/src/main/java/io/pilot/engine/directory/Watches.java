package io.pilot.engine.directory;

import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.directory.DirectoryClient.WatchListener;
import io.pilot.engine.directory.DirectoryProtocol.Query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's watches: subscribes at the backbone, routes each pushed event to its watch (holding those
 * that overtake their watch's reply), and renews every watch when the backbone has started anew, or another
 * backbone of the realm took over, or this node was out of touch: a renewal asks for the changes after the
 * last revision the watch heard through (WATCH_FROM), and falls back to a snapshot and its difference where
 * the backbone cannot replay them.
 */
final class Watches {

    private static final Logger log = LoggerFactory.getLogger(Watches.class);

    private final BackboneCall backbone;
    private final Lookups lookups;
    private final RecordCache cache;
    private final Map<Integer, Watch> watches = new ConcurrentHashMap<>();
    /**
     * Watches whose last renewal failed (the backbone did not answer in time, or refused for now), each with whether
     * its renewal may end the old subscription: renewed again after the next successful heartbeat. Without this a
     * watch renewed once, at a backbone too busy to answer, would stay on a subscription that no longer exists.
     */
    private final Map<Watch, Boolean> unrenewed = new ConcurrentHashMap<>();
    private final OrphanEvents orphans = new OrphanEvents();
    /** Subscriptions asked for whose replies have not come yet: while there are any, orphans are not aged out. */
    private final AtomicInteger subscribing = new AtomicInteger();
    /**
     * Held while a pushed event reaches its watch (from the port, or held as an orphan), and while a watch releases
     * events it held for one they follow (on the timer thread): so listeners hear pushed events one at a time,
     * whichever thread tells them.
     */
    private final ReentrantLock delivery = new ReentrantLock();
    /** How soon the timer looks again at held events while a listener is being told something. */
    static final long BUSY_RETRY_MILLIS = 10;
    /**
     * How long a backbone that restarted empty may take to hear again from every live node (0 before this node
     * registered): see {@link #restartGrace}.
     */
    private volatile long restartGraceMillis;
    /**
     * Runs {@link #endMissing} when the first node kept while missing is due, heartbeats or not, and each watch's
     * release of events it held too long for one they follow ({@link Watch#releaseOverdue}).
     */
    private final ScheduledExecutorService timer;

    /** @param lookups reads, verifies and caches the records of a watch's snapshot */
    Watches(BackboneCall backbone, Lookups lookups, RecordCache cache, ScheduledExecutorService timer) {
        this.timer = timer;
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
        return subscribe(query, value, 0, 0).thenApply(snapshot -> {
            Watch watch = new Watch(query, value, listener, this::scheduleCheck);
            watch.start(snapshot.id(), snapshot.revision(), snapshot.epoch(), snapshot.records());
            watches.put(snapshot.id(), watch);
            releaseOrphans(watch);
            return watch;
        });
    }

    /** Stops a watch here and at the backbone. */
    void close(Watch watch) {
        forget(watch);
        unwatch(watch.id());
    }

    /** Stops a watch here only: for a client that deregisters, which ends its watches at the backbone. */
    void forget(Watch watch) {
        watch.close();
        watches.remove(watch.id());
        unrenewed.remove(watch);
    }

    private void unwatch(int subscription) {
        backbone.send(new BinaryWriter().u8(DirectoryProtocol.OP_UNWATCH).u32(subscription).toBytes())
                .exceptionally(error -> null); // the backbone is away: its watches die with our lease anyway
    }

    /** An event the backbone pushed, not naming the one before it (an old backbone's). */
    void onEvent(int kind, int subscription, long revision, SignedRecord signed) {
        onEvent(kind, subscription, revision, signed, Watch.NOT_CHAINED);
    }

    /**
     * An event the backbone pushed: the cache learns it, and so does its watch (now, or once it exists).
     *
     * @param previous the revision of the subscription's event before it, or {@link Watch#NOT_CHAINED}
     */
    void onEvent(int kind, int subscription, long revision, SignedRecord signed, long previous) {
        long now = System.currentTimeMillis();
        kind = taken(kind, signed, now);
        Watch watch = watches.get(subscription);
        if (watch == null) {
            orphans.hold(subscription, kind, revision, signed.record(), previous, now, subscribing.get() > 0);
            return;
        }
        delivery.lock();
        try {
            watch.apply(kind, revision, signed.record(), previous);
        } finally {
            delivery.unlock();
        }
    }

    /** Hands a watch the events that came before it was filed, as pushed events are handed: one at a time. */
    private void releaseOrphans(Watch watch) {
        delivery.lock();
        try {
            orphans.release(watch);
        } finally {
            delivery.unlock();
        }
    }

    /**
     * Runs a watch's check of the events it holds ({@link Watch#checkHeld}) on the directory's timer when due. The
     * timer thread, which every client's heartbeats share, never waits for a listener: while another thread is
     * telling one, the check comes back {@value #BUSY_RETRY_MILLIS} ms later.
     */
    private void scheduleCheck(Runnable check, long delayNanos) {
        timer.schedule(() -> {
            if (!delivery.tryLock()) {
                scheduleCheck(check, TimeUnit.MILLISECONDS.toNanos(BUSY_RETRY_MILLIS));
                return;
            }
            try {
                check.run();
            } finally {
                delivery.unlock();
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The kind of a pushed or replayed event as this node takes it: its record must be as a lookup's is
     * ({@link Lookups#admits}: of this realm, and unexpired unless the event tells of a node leaving), and is then
     * cached; else the event is {@link Watch#IGNORED}, keeping its place in its subscription's chain.
     */
    private int taken(int kind, SignedRecord signed, long nowMillis) {
        if (!lookups.admits(signed.record(), kind == DirectoryProtocol.EVENT_LEAVE ? Long.MIN_VALUE : nowMillis)) {
            log.warn("ignoring a watch event about {}: its record is of realm {} or expired", signed.record().address(),
                    signed.record().realm());
            return Watch.IGNORED;
        }
        learn(kind, signed);
        return kind;
    }

    private void learn(int kind, SignedRecord signed) {
        if (kind == DirectoryProtocol.EVENT_LEAVE) {
            cache.remove(signed.record());
        } else {
            cache.put(signed);
        }
    }

    /**
     * How long a node that a restarted backbone's snapshot lacks is kept for its listeners: a lease (each node learns
     * of the restart at its next heartbeat, a third of a lease later), the longest wait between attempts to reach the
     * backbone (a node whose heartbeat fell in the outage) and a request timeout. Set at each registration.
     */
    void restartGrace(long millis) {
        restartGraceMillis = millis;
    }

    /**
     * Tells each watch's listener that the nodes a restarted backbone lacked, and that did not register again within
     * the grace, left. Called after each successful heartbeat, and by a timer when a grace ends.
     */
    void endMissing() {
        long now = System.currentTimeMillis();
        watches.values().forEach(watch -> watch.endMissing(now));
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

    /**
     * Renews, at the same backbone, each watch whose last renewal failed, and each that has missed an event since
     * the previous call (a delivery that failed while this node's calls succeeded): the renewal replays it. Called
     * after each successful heartbeat.
     */
    void renewStuck() {
        for (Watch watch : new ArrayList<>(watches.values())) {
            Boolean endOld = unrenewed.remove(watch);
            if (endOld != null) {
                log.info("renewing the watch on {} {} again after its renewal failed", watch.query(), watch.value());
                renew(watch, endOld);
            } else if (watch.stuckAtGap()) {
                log.info("a watch on {} {} missed the event after revision {}; renewing it", watch.query(), watch.value(),
                        watch.heardThrough());
                renew(watch, true);
            }
        }
    }

    private void renewAll(String why, boolean endOld) {
        if (watches.isEmpty()) {
            return;
        }
        log.info("{}; renewing {} watches", why, watches.size());
        new ArrayList<>(watches.values()).forEach(watch -> renew(watch, endOld));
    }

    /**
     * Subscribes again under a new id and tells the listener what changed while it was not watching: every
     * change, in order, where the backbone replays them; else the difference from the backbone's snapshot.
     *
     * @param endOld whether to end the old subscription: only on the backbone that granted it, since a
     *               restarted one numbers its subscriptions afresh and the old id may now be another watch's
     */
    private void renew(Watch watch, boolean endOld) {
        long epoch = watch.epoch();
        subscribe(watch.query(), watch.value(), watch.heardThrough(), epoch).thenAccept(renewed -> {
            int old;
            // A backbone of another epoch than the one asked of may have started empty: what its snapshot lacks may
            // not have registered with it yet. (Compared with the epoch asked of, not the watch's now: another renewal
            // that overlapped this one may have moved the watch to the new epoch already.)
            boolean anotherEpoch = renewed.epoch() != 0 && renewed.epoch() != epoch;
            synchronized (watch) {
                old = watch.id();
                watches.remove(old);
                if (renewed.replay() != null) {
                    // Before the live events (held meanwhile as orphans): they come after the replay's revision.
                    watch.resume(renewed.id(), renewed.revision(), renewed.epoch());
                    for (Replayed event : renewed.replay()) {
                        watch.apply(taken(event.kind(), event.signed(), System.currentTimeMillis()), event.revision(),
                                event.signed().record());
                    }
                } else {
                    log.info("the backbone cannot replay the changes after revision {} to a watch on {} {}; it"
                            + " hears the difference from a snapshot", watch.heardThrough(), watch.query(), watch.value());
                    watch.restart(renewed.id(), renewed.revision(), renewed.epoch());
                }
                watches.put(renewed.id(), watch);
                unrenewed.remove(watch); // an earlier renewal that failed is made good by this one
            }
            if (watch.isClosed()) { // closed while the renewal was on its way: the new subscription is nobody's
                watches.remove(renewed.id());
                unrenewed.remove(watch);
                unwatch(renewed.id());
                return;
            }
            if (endOld) {
                unwatch(old);
            }
            releaseOrphans(watch);
            if (renewed.replay() == null) {
                long grace = restartGraceMillis;
                boolean keep = anotherEpoch && grace > 0;
                watch.resync(renewed.records(), keep ? System.currentTimeMillis() + grace : 0);
                if (keep) {
                    timer.schedule(this::endMissing, grace, TimeUnit.MILLISECONDS);
                }
            }
        }).exceptionally(error -> {
            // Tried again after the next successful heartbeat. Once a renewal must not end the old subscription
            // (the backbone restarted and may have given its id to another watch), none of its retries may.
            unrenewed.merge(watch, endOld, Boolean::logicalAnd);
            log.warn("could not renew a watch on {} {} ({}); trying again after the next heartbeat", watch.query(),
                    watch.value(), BackboneCall.unwrap(error).getMessage());
            return null;
        });
    }

    /** A change replayed by WATCH_FROM. */
    private record Replayed(int kind, long revision, SignedRecord signed) {
    }

    /**
     * A subscription granted: the changes after the revision asked for ({@code replay}, records null), or what
     * the watch selects now ({@code records}, replay null).
     *
     * @param epoch the granting backbone's epoch; 0 from an old backbone, which answered WATCH
     */
    private record Subscribed(int id, long revision, long epoch, List<Replayed> replay, List<NodeRecord> records) {
    }

    /**
     * WATCH_FROM: a snapshot for a new watch ({@code since} 0), the changes after {@code since} for a renewal where
     * the backbone can replay them. A backbone that does not know WATCH_FROM (older than it) gets a WATCH.
     */
    private CompletableFuture<Subscribed> subscribe(Query query, String value, long since, long sinceEpoch) {
        subscribing.incrementAndGet();
        return subscribeOnce(query, value, since, sinceEpoch).whenComplete((subscribed, error) -> subscribing.decrementAndGet());
    }

    private CompletableFuture<Subscribed> subscribeOnce(Query query, String value, long since, long sinceEpoch) {
        byte[] request = new BinaryWriter().u8(DirectoryProtocol.OP_WATCH_FROM).u8(query.ordinal()).string8(value)
                .u64(since).u64(sinceEpoch).toBytes();
        return backbone.callPaged(request, this::readSubscribed).handle((subscribed, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(subscribed);
            }
            Throwable cause = BackboneCall.unwrap(error);
            if (cause instanceof DirectoryException refusal && refusal.error() == DirectoryError.UNKNOWN_OPERATION) {
                return subscribeOld(query, value);
            }
            return CompletableFuture.<Subscribed>failedFuture(cause);
        }).thenCompose(subscribed -> subscribed);
    }

    private Subscribed readSubscribed(BinaryReader reader) {
        int id = (int) reader.u32();
        long revision = reader.u64();
        long epoch = reader.u64();
        int mode = reader.u8();
        if (mode == DirectoryProtocol.WATCH_SNAPSHOT) {
            List<NodeRecord> current = lookups.readRecords(reader);
            reader.end();
            return new Subscribed(id, revision, epoch, null, current);
        }
        if (mode != DirectoryProtocol.WATCH_REPLAYED) {
            throw new DecodeException("unknown WATCH_FROM reply mode " + mode);
        }
        long count = reader.u32();
        List<Replayed> replay = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            int kind = reader.u8();
            long changed = reader.u64();
            replay.add(new Replayed(kind, changed, SignedRecord.decode(reader.bytes16())));
        }
        reader.end();
        return new Subscribed(id, revision, epoch, replay, null);
    }

    private CompletableFuture<Subscribed> subscribeOld(Query query, String value) {
        byte[] request = new BinaryWriter().u8(DirectoryProtocol.OP_WATCH).u8(query.ordinal()).string8(value).toBytes();
        return backbone.callPaged(request, reader -> {
            int id = (int) reader.u32();
            long revision = reader.u64();
            List<NodeRecord> current = lookups.readRecords(reader);
            reader.end();
            return new Subscribed(id, revision, 0, null, current);
        });
    }
}
