package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The paged replies waiting for their callers to read on: each holds a snapshot of records (references, and records
 * replaced meanwhile kept alive) until its caller has read the last page or gone, and a caller sets that pace.
 * Bounded per requester and in all, so that no node, nor many, can make the backbone hold snapshots without end; and
 * a reply whose caller grants no credit for {@code stall} is ended ({@link #endStalled}), so that a caller cannot
 * hold its places for as long as its connection lasts by reading nothing.
 */
final class PagedReplies {

    /**
     * Paged replies one node may be reading at once: a few more than a client renewing its watches after a backbone
     * restart usually needs at once (most of them fit one page and take none).
     */
    static final int PER_NODE = 8;

    /** Paged replies all nodes together may be reading at once. */
    static final int IN_ALL = 256;

    /** A reply being read, as the sweep sees it. */
    interface Reader {

        /** Ends the reply, giving its place back, if its caller granted no credit since {@code cutoffNanos}. */
        boolean endIfStalledSince(long cutoffNanos);
    }

    private final long stallNanos;
    private final Map<PilotAddress, Integer> byNode = new HashMap<>();
    private final Set<Reader> readers = new HashSet<>();
    private int total;

    PagedReplies(Duration stall) {
        this.stallNanos = stall.toNanos();
    }

    /**
     * Takes a place for {@code reader}, a reply to {@code node}, which the sweep then watches until it
     * {@link #leave}s; false, changing nothing, when the node or everyone holds the most.
     */
    synchronized boolean tryEnter(PilotAddress node, Reader reader) {
        int held = byNode.getOrDefault(node, 0);
        if (held >= PER_NODE || total >= IN_ALL) {
            return false;
        }
        byNode.put(node, held + 1);
        total++;
        readers.add(reader);
        return true;
    }

    /** Gives back a place {@link #tryEnter} took, once its reply ended or its caller went. */
    synchronized void leave(PilotAddress node, Reader reader) {
        readers.remove(reader);
        Integer held = byNode.get(node);
        if (held == null) {
            return;
        }
        if (held == 1) {
            byNode.remove(node);
        } else {
            byNode.put(node, held - 1);
        }
        total--;
    }

    /**
     * Ends every reply whose caller granted no credit for the stall limit, as of {@code nowNanos}.
     *
     * @return how many were ended
     */
    int endStalled(long nowNanos) {
        List<Reader> current;
        synchronized (this) {
            current = List.copyOf(readers);
        }
        int ended = 0;
        for (Reader reader : current) { // outside the lock: ending one leaves, which takes it
            if (reader.endIfStalledSince(nowNanos - stallNanos)) {
                ended++;
            }
        }
        return ended;
    }

    /** Paged replies being read now. */
    synchronized int held() {
        return total;
    }
}
