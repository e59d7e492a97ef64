package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts the paged replies waiting for their callers to read on: each holds a snapshot of records (references, and
 * records replaced meanwhile kept alive) until its caller has read the last page or gone, and a caller sets that pace.
 * Bounded per requester and in all, so that no node, nor many, can make the backbone hold snapshots without end.
 */
final class PagedReplies {

    /**
     * Paged replies one node may be reading at once: a few more than a client renewing its watches after a backbone
     * restart usually needs at once (most of them fit one page and take none).
     */
    static final int PER_NODE = 8;

    /** Paged replies all nodes together may be reading at once. */
    static final int IN_ALL = 256;

    private final Map<PilotAddress, Integer> byNode = new HashMap<>();
    private int total;

    /** Takes a place for a reply to {@code node}; false, changing nothing, when it or everyone holds the most. */
    synchronized boolean tryEnter(PilotAddress node) {
        int held = byNode.getOrDefault(node, 0);
        if (held >= PER_NODE || total >= IN_ALL) {
            return false;
        }
        byNode.put(node, held + 1);
        total++;
        return true;
    }

    /** Gives back a place {@link #tryEnter} took, once its reply ended or its caller went. */
    synchronized void leave(PilotAddress node) {
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

    /** Paged replies being read now. */
    synchronized int held() {
        return total;
    }
}
