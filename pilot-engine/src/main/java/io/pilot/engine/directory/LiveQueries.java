package io.pilot.engine.directory;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryClient.WatchListener;
import io.pilot.engine.directory.DirectoryProtocol.Query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Query results (a hostname's node, a capability's providers) kept in memory by a backbone watch that is opened
 * on the query's first use and then kept: later uses are answered from memory, with records verified once when
 * they arrived, and send nothing to the backbone. Joins, updates and leaves reach them by push in revision
 * order, and {@link Watches} renews the watches when the backbone restarts, so answers keep up with the fleet
 * and keep coming while the backbone is away.
 *
 * <p>Bounded: at most {@code capacity} watches (the backbone limits watches per node), the least recently used
 * closed to make room. The first use of a query waits for its watch's snapshot. If the watch cannot be opened
 * (the backbone is away, or refuses another watch) the query is answered as a lookup is, by the backbone or else
 * the cache, and the watch is tried again after {@link #RETRY_INTERVAL}. Thread-safe.
 */
final class LiveQueries implements AutoCloseable {

    /** How long after a watch could not be opened the next use tries again; lookups answer meanwhile. */
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

    private record Key(Query query, String value) {
    }

    private final Watches watches;
    private final Lookups lookups;
    private final int capacity;
    /**
     * Read without a lock, as every call reads it; changed only under {@code this}. Each entry stamps its last use,
     * which is how the least recently used is found when one must go.
     */
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param capacity watches kept at most; 0 answers every query as a lookup */
    LiveQueries(Watches watches, Lookups lookups, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.watches = watches;
        this.lookups = lookups;
        this.capacity = capacity;
    }

    /** The unexpired records {@code query} and {@code value} select: from memory once their watch is open. */
    CompletableFuture<List<NodeRecord>> records(Query query, String value) {
        Key key = new Key(query, value);
        long now = System.nanoTime();
        Entry entry = entries.get(key);
        if (entry != null && !closed && !entry.retryDue(now)) {
            entry.lastUsedNanos = now;
            return entry.read();
        }
        Entry evicted = null;
        boolean opening = false;
        synchronized (this) {
            if (closed || capacity == 0) {
                return lookups.query(query, value);
            }
            entry = entries.get(key);
            if (entry == null || entry.retryDue(now)) {
                entry = new Entry(key, now);
                entries.put(key, entry);
                evicted = entries.size() > capacity ? removeEldestBut(entry) : null;
                opening = true;
            }
        }
        if (evicted != null) {
            evicted.close();
        }
        if (opening) {
            entry.open();
        }
        return entry.read();
    }

    /** How many queries are watched now (opened or opening). */
    synchronized int size() {
        return entries.size();
    }

    /**
     * Forgets every watch here; later queries are lookups. Sends nothing: the client deregisters as it closes,
     * and that ends its watches at the backbone.
     */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(entries.values());
            entries.clear();
        }
        all.forEach(Entry::forget);
    }

    /**
     * Removes the least recently used entry other than {@code added}: a walk over at most {@code capacity + 1}, only
     * when one is added.
     */
    private Entry removeEldestBut(Entry added) {
        Entry eldest = null;
        for (Entry entry : entries.values()) {
            if (entry != added && (eldest == null || entry.lastUsedNanos - eldest.lastUsedNanos < 0)) {
                eldest = entry;
            }
        }
        entries.remove(eldest.key);
        return eldest;
    }

    /** One query's watch and the records it has heard of, newest per node. */
    private final class Entry implements WatchListener {
        private final Key key;
        private final Map<PilotAddress, NodeRecord> records = new ConcurrentHashMap<>();
        /** Completes once the watch's snapshot is in, or fails if the watch could not be opened. */
        private final CompletableFuture<Void> ready = new CompletableFuture<>();
        private volatile Watch watch;
        private volatile long failedAtNanos;
        private volatile boolean closed;
        /** When a query last read it ({@link System#nanoTime}): plain writes, as an order that is nearly right will do. */
        private long lastUsedNanos;

        Entry(Key key, long nowNanos) {
            this.key = key;
            this.lastUsedNanos = nowNanos;
        }

        void open() {
            watches.watch(key.query(), key.value(), this).whenComplete((opened, error) -> {
                if (error != null) {
                    failedAtNanos = System.nanoTime();
                    ready.completeExceptionally(error);
                    return;
                }
                watch = opened;
                if (closed) { // evicted while it was opening
                    watches.close(opened);
                }
                ready.complete(null);
            });
        }

        boolean retryDue(long nowNanos) {
            return ready.isCompletedExceptionally() && nowNanos - failedAtNanos >= RETRY_INTERVAL.toNanos();
        }

        /** From memory once the snapshot is in; as a lookup while the watch is away. */
        CompletableFuture<List<NodeRecord>> read() {
            if (ready.isDone() && !ready.isCompletedExceptionally()) {
                return CompletableFuture.completedFuture(current());
            }
            return ready.handle((ok, error) -> error == null ? CompletableFuture.completedFuture(current())
                    : lookups.query(key.query(), key.value())).thenCompose(answer -> answer);
        }

        private List<NodeRecord> current() {
            long now = System.currentTimeMillis();
            List<NodeRecord> live = new ArrayList<>(records.size());
            for (NodeRecord record : records.values()) {
                if (record.expiresAtMillis() > now) {
                    live.add(record);
                }
            }
            return live;
        }

        /** Evicted: ends the watch at the backbone too. */
        void close() {
            closed = true;
            Watch current = watch;
            if (current != null) {
                watches.close(current);
            }
        }

        /** The client is closing: ends the watch here only. */
        void forget() {
            closed = true;
            Watch current = watch;
            if (current != null) {
                watches.forget(current);
            }
        }

        @Override
        public void joined(NodeRecord record) {
            records.merge(record.address(), record, (held, fresh) -> fresh.sequence() >= held.sequence() ? fresh : held);
        }

        @Override
        public void updated(NodeRecord record) {
            joined(record);
        }

        @Override
        public void left(NodeRecord record) {
            records.remove(record.address());
        }
    }
}
