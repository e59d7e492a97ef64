package io.pilot.engine.directory;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryClient.WatchListener;
import io.pilot.engine.directory.DirectoryProtocol.Query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch's state: which subscription it is at the backbone, which revisions it has applied, up to which
 * revision it has heard every event, and what its listener has been told is there. Events travel on separate
 * streams and may overtake each other; this puts them back in the backbone's order (a chained event that overtook
 * the one before it waits for it, at most {@link #REORDER_HOLD_NANOS}), never lets a node's state go back, and after
 * a renewal the listener hears the changes it missed (replayed by the backbone) or, where they cannot be replayed,
 * only what changed.
 */
final class Watch {

    private static final Logger log = LoggerFactory.getLogger(Watch.class);

    /**
     * Schedules a watch's check of the events it holds behind a missing one ({@link #releaseOverdue}): the directory's
     * timer in a client, a hand-run list in tests.
     */
    @FunctionalInterface
    interface ReorderTimer {
        void schedule(Runnable check, long delayNanos);
    }

    /** The {@code previous} of an event that does not name one (from an old backbone's WATCH, or a replay). */
    static final long NOT_CHAINED = -1;

    /**
     * The kind of an event whose record this node does not take (of another realm, or expired): it keeps its place in
     * the subscription's chain, so the events after it are not held for it, and tells the listener nothing.
     */
    static final int IGNORED = 0;
    /** Events held while one before them is missing, at most. */
    static final int MAX_AHEAD_OF_GAP = 1024;
    /**
     * How long a chained event waits for the one it follows before it is applied anyway. An event overtaken on the
     * way (a packet of its stream lost and resent: a probe timeout, milliseconds on a near path, a second at most on
     * a far one with a loss repeated) comes within it; one the backbone failed to deliver (§10, gap 29) does not come
     * until a renewal replays it, up to two heartbeats later, and the events after it must not wait that long.
     */
    static final long REORDER_HOLD_NANOS = 1_000_000_000L;

    /** A chained event that came before the one it follows, and when it came. */
    private record Held(int kind, long revision, NodeRecord record, long previous, long arrivedNanos) {
    }

    private final Query query;
    private final String value;
    private final WatchListener listener;
    private final ReorderTimer reorderTimer;
    /** Set by {@link #close}, without the watch's lock: a listener may close another watch while it is told. */
    private volatile boolean closed;
    private volatile int id;
    /** The revision of the snapshot this watch started from: older events are already in it. */
    private long appliedRevision;
    /** The newest revision applied per node. */
    private final Map<PilotAddress, Long> revisions = new HashMap<>();
    /**
     * The backbone's epoch when it granted the subscription (0: unknown, an old backbone): with it, that backbone
     * knows whether {@link #heardThrough} counts in its own revisions.
     */
    private long epoch;
    /** Every event of the subscription up to this revision has been applied: where a renewal resumes. */
    private long heardThrough;
    /** Events that came before one they follow (previous revision → revision), until the gap is filled. */
    private final TreeMap<Long, Long> aheadOfGap = new TreeMap<>();
    /**
     * Every chained event up to this revision has been applied, or given up on ({@link #releaseOverdue}): a chained
     * event that follows a later one waits in {@link #held}.
     */
    private long deliveredThrough;
    /** Chained events that came before the one they follow, by the revision they follow, in the listener's wait. */
    private final TreeMap<Long, Held> held = new TreeMap<>();
    /** {@link #heardThrough} when a gap was last seen by {@link #stuckAtGap}; -1 when there was none. */
    private long gapSeenAt = -1;
    /** What the listener has been told is there, to tell it the difference after a renewal. */
    private final Map<PilotAddress, NodeRecord> known = new ConcurrentHashMap<>();
    /**
     * Nodes the listener knows that a restarted backbone's snapshot lacked, each with when it is told they left
     * unless they register again first (epoch milliseconds): see {@link #resync(List, long)}.
     */
    private final Map<PilotAddress, Long> missingUntil = new HashMap<>();

    Watch(Query query, String value, WatchListener listener, ReorderTimer reorderTimer) {
        this.query = query;
        this.value = value;
        this.listener = listener;
        this.reorderTimer = reorderTimer;
    }

    Query query() {
        return query;
    }

    String value() {
        return value;
    }

    /** The backbone's subscription id, replaced by a renewal. */
    int id() {
        return id;
    }

    /** The revision up to which every event was heard: what a renewal asks the backbone to replay from. */
    synchronized long heardThrough() {
        return heardThrough;
    }

    /** The epoch of the backbone that granted the subscription (0 if it did not say). */
    synchronized long epoch() {
        return epoch;
    }

    /** Starts from a snapshot of {@code revision}: every record in it is news to the listener. */
    synchronized void start(int subscription, long revision, long epoch, List<NodeRecord> records) {
        restart(subscription, revision, epoch);
        records.forEach(this::joined);
    }

    /**
     * Continues under a new subscription whose snapshot is of {@code revision}; what was applied before is
     * forgotten (a restarted backbone counts revisions afresh), and {@link #resync} tells the difference.
     */
    synchronized void restart(int subscription, long revision, long epoch) {
        id = subscription;
        this.epoch = epoch;
        appliedRevision = revision;
        revisions.clear();
        heardThrough = revision;
        deliveredThrough = revision;
        aheadOfGap.clear();
        held.clear(); // the old subscription's: the snapshot, compared by resync, holds what they said
        gapSeenAt = -1;
    }

    /**
     * Continues under a new subscription that replays the changes after {@link #heardThrough} up to
     * {@code revision} (applied next, in order, with {@link #apply}); what was applied stays, so a change heard
     * before is not heard twice.
     */
    synchronized void resume(int subscription, long revision, long epoch) {
        id = subscription;
        this.epoch = epoch;
        heardThrough = Math.max(heardThrough, revision);
        deliveredThrough = Math.max(deliveredThrough, revision);
        aheadOfGap.clear();
        // Each came after heardThrough and before the renewal's reply, so the replay carries it again, in order.
        held.clear();
        gapSeenAt = -1;
    }

    /**
     * Whether an event is missing and was already missing at the previous call, with nothing filled in between:
     * lost on the way rather than overtaken (the caller asks at intervals far longer than a reordering lasts, and
     * then renews the watch, which replays it).
     */
    synchronized boolean stuckAtGap() {
        if (aheadOfGap.isEmpty()) {
            gapSeenAt = -1;
            return false;
        }
        boolean stuck = gapSeenAt == heardThrough;
        gapSeenAt = heardThrough;
        return stuck;
    }

    /**
     * Tells the listener how a renewed subscription's snapshot differs from what it was told: nodes gone,
     * nodes new, nodes whose record changed. A node whose event since the snapshot was applied already (released
     * from the orphans before this) is left as that event made it: the snapshot is older.
     *
     * <p>A backbone that restarted without a store knows only the nodes that registered with it since, and a node
     * registers again only when its next heartbeat finds the backbone restarted (up to a third of a lease later), or its
     * backoff retries after an outage.
     * So a node the snapshot lacks is not taken for gone at once when {@code keepMissingUntil} is set (epoch
     * milliseconds; 0 for a snapshot that is the whole truth): the listener hears that it left only if it has not
     * registered again by then ({@link #endMissing}); a node that did is heard as updated, if its record changed.
     */
    synchronized void resync(List<NodeRecord> records, long keepMissingUntil) {
        Map<PilotAddress, NodeRecord> now = new LinkedHashMap<>();
        records.forEach(r -> now.put(r.address(), r));
        for (NodeRecord gone : new ArrayList<>(known.values())) {
            PilotAddress address = gone.address();
            if (now.containsKey(address) || revisions.containsKey(address)) {
                continue;
            }
            if (keepMissingUntil > 0) {
                missingUntil.putIfAbsent(address, keepMissingUntil);
            } else if (!missingUntil.containsKey(address)) {
                left(gone); // one kept already waits out its grace: this snapshot may be of the same restart
            }
        }
        for (NodeRecord record : now.values()) {
            if (!revisions.containsKey(record.address())) {
                joined(record);
            }
        }
    }

    /** Tells the listener that the nodes a restarted backbone lacked, and that have not registered again by {@code nowMillis}, left. */
    synchronized void endMissing(long nowMillis) {
        for (Map.Entry<PilotAddress, Long> missing : new ArrayList<>(missingUntil.entrySet())) {
            if (missing.getValue() > nowMillis) {
                continue;
            }
            NodeRecord record = known.get(missing.getKey());
            if (record != null) {
                left(record);
            } else {
                missingUntil.remove(missing.getKey());
            }
        }
    }

    /** Whether a node that a restarted backbone lacked is still kept for its listener: for tests. */
    synchronized boolean keepsMissing(PilotAddress address) {
        return missingUntil.containsKey(address);
    }

    /**
     * Applies an event that names no predecessor (an old backbone's WATCH, a replay) at once, unless a newer one about
     * the same node was already applied.
     */
    synchronized void apply(int kind, long revision, NodeRecord record) {
        apply(kind, revision, record, NOT_CHAINED);
    }

    /**
     * Applies an event that names the revision of the one before it on its subscription ({@code previous};
     * {@link #NOT_CHAINED} if it does not), which also tells how far every event was heard. A chained event that
     * overtook the one it follows waits for it, at most {@link #REORDER_HOLD_NANOS}: so the listener hears every
     * node's changes in the backbone's order, where events on separate streams may overtake each other (a packet
     * lost and resent). Per node, a change older than one applied is dropped, whatever the order.
     */
    synchronized void apply(int kind, long revision, NodeRecord record, long previous) {
        if (previous == NOT_CHAINED) {
            deliver(kind, revision, record);
            return;
        }
        heard(previous, revision);
        if (previous > deliveredThrough) {
            hold(new Held(kind, revision, record, previous, System.nanoTime()));
            return;
        }
        deliveredThrough = Math.max(deliveredThrough, revision);
        deliver(kind, revision, record);
        release(false);
    }

    private void hold(Held event) {
        if (held.putIfAbsent(event.previous(), event) != null) {
            // Two events that follow the same one are no chain to order (only a backbone at fault sends them): the
            // second is applied as it comes, per node still never going back.
            deliver(event.kind(), event.revision(), event.record());
        } else if (held.size() > MAX_AHEAD_OF_GAP) {
            release(true); // a gap this old is not an overtaking: the listener hears what came, a renewal the rest
        } else if (held.size() == 1) {
            reorderTimer.schedule(this::checkHeld, REORDER_HOLD_NANOS);
        }
    }

    /** The timer's check: releases what is overdue, and checks again while anything is held. */
    void checkHeld() {
        long next = releaseOverdue(System.nanoTime());
        if (next > 0) {
            reorderTimer.schedule(this::checkHeld, next);
        }
    }

    /**
     * Applies the held events, in order, if the oldest has waited {@link #REORDER_HOLD_NANOS} for the one it follows:
     * that one was lost (a renewal replays it later; per node, nothing goes back). Events that follow the released
     * ones are then applied as they come.
     *
     * @return nanoseconds until the oldest event still held is due, or 0 if none is held
     */
    synchronized long releaseOverdue(long nowNanos) {
        if (closed) {
            held.clear();
        }
        if (held.isEmpty()) {
            return 0;
        }
        long oldest = held.values().stream().mapToLong(Held::arrivedNanos).min().getAsLong();
        long due = oldest + REORDER_HOLD_NANOS - nowNanos;
        if (due > 0) {
            return due;
        }
        release(true);
        return 0;
    }

    /** Whether events wait for one they follow: for tests. */
    synchronized int holding() {
        return held.size();
    }

    /** The watch is closed: its listener hears nothing more, and what it held is dropped at the next look. */
    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    /** Applies held events in their chain's order: those the delivered ones now reach, or {@code all} of them. */
    private void release(boolean all) {
        while (!held.isEmpty() && (all || held.firstKey() <= deliveredThrough)) {
            Held event = held.pollFirstEntry().getValue();
            deliveredThrough = Math.max(deliveredThrough, event.revision());
            deliver(event.kind(), event.revision(), event.record());
        }
    }

    /**
     * Tells the listener of an event unless a newer one about the same node was applied already. A JOIN or UPDATE whose
     * record this watch does not select (only a backbone at fault sends one) is not a node for this listener: the JOIN
     * is ignored, the UPDATE heard as the node leaving if the listener knew it.
     */
    private void deliver(int kind, long revision, NodeRecord record) {
        if (closed || kind == IGNORED || revision <= revisions.getOrDefault(record.address(), appliedRevision)) {
            return;
        }
        if (kind != DirectoryProtocol.EVENT_LEAVE && !RecordCache.matches(record, query, value)) {
            log.warn("the backbone sent the watch on {} {} a record of {} that it does not select", query, value,
                    record.address());
            if (kind == DirectoryProtocol.EVENT_JOIN || !known.containsKey(record.address())) {
                return;
            }
            kind = DirectoryProtocol.EVENT_LEAVE;
        }
        revisions.put(record.address(), revision);
        try {
            switch (kind) {
                case DirectoryProtocol.EVENT_JOIN -> joined(record);
                case DirectoryProtocol.EVENT_UPDATE -> updated(record);
                default -> left(record);
            }
        } catch (RuntimeException e) {
            // The listener's fault, not the event's: the events after it (a chain being released) are still told.
            log.warn("a listener of the watch on {} {} failed on an event about {}", query, value, record.address(), e);
        }
    }

    private void heard(long previous, long revision) {
        if (previous > heardThrough) {
            aheadOfGap.put(previous, revision);
            if (aheadOfGap.size() > MAX_AHEAD_OF_GAP) {
                aheadOfGap.pollLastEntry(); // a gap this old will not fill: a renewal replays from before it
            }
            return;
        }
        heardThrough = Math.max(heardThrough, revision);
        while (!aheadOfGap.isEmpty() && aheadOfGap.firstKey() <= heardThrough) {
            heardThrough = Math.max(heardThrough, aheadOfGap.pollFirstEntry().getValue());
        }
    }

    /** A node heard of: news to the listener, or (one it was told of already, kept while missing) an update. */
    private void joined(NodeRecord record) {
        missingUntil.remove(record.address());
        NodeRecord before = known.put(record.address(), record);
        if (before == null) {
            listener.joined(record);
        } else if (before.sequence() != record.sequence()) {
            listener.updated(record);
        }
    }

    private void updated(NodeRecord record) {
        missingUntil.remove(record.address());
        known.put(record.address(), record);
        listener.updated(record);
    }

    private void left(NodeRecord record) {
        missingUntil.remove(record.address());
        known.remove(record.address());
        listener.left(record);
    }
}
