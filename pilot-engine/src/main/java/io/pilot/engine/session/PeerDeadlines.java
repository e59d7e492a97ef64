package io.pilot.engine.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * When the {@link KeyTimers} next look at each peer: a queue ordered by (due time, order of first filing),
 * holding each peer at most once. Moving a peer's due time takes it out and puts it back, so the queue never
 * holds more entries than there are scheduled peers, however often something moves them: a sender that
 * makes a peer's timers change many times between two ticks costs O(log n) each time and no memory.
 * Peers with nothing due are not in it ({@link Long#MAX_VALUE}). Confined to the event loop.
 *
 * <p>A sorted set rather than a hashed timer wheel: deadlines here range from 50 ms (a retransmission) to
 * minutes (rekeys, idle peers), which a single wheel of 50 ms slots covers only with long rounds or a
 * hierarchy; a tree finds the due peers with no scan of the others, and a peer table of 10^5 costs about
 * 17 comparisons per move.
 */
final class PeerDeadlines {

    private static final Comparator<Peer> BY_DUE_TIME = Comparator.<Peer>comparingLong(peer -> peer.dueNanos)
            .thenComparingLong(peer -> peer.dueOrder);

    private final TreeSet<Peer> queue = new TreeSet<>(BY_DUE_TIME);
    private long nextOrder = 1;

    /** Brings {@code peer}'s due time forward to {@code deadline}; a later deadline leaves it as it is. */
    void advance(Peer peer, long deadline) {
        if (deadline < peer.dueNanos) {
            set(peer, deadline);
        }
    }

    /** Sets {@code peer}'s due time to {@code deadline}, earlier or later; {@link Long#MAX_VALUE} for none. */
    void set(Peer peer, long deadline) {
        if (peer.dueNanos != Long.MAX_VALUE) {
            queue.remove(peer);
        }
        peer.dueNanos = deadline;
        if (deadline != Long.MAX_VALUE) {
            if (peer.dueOrder == 0) {
                peer.dueOrder = nextOrder++;
            }
            queue.add(peer);
        }
    }

    /** Takes out every peer due at {@code now}, earliest first; each leaves with no due time. */
    List<Peer> takeDue(long now) {
        List<Peer> due = new ArrayList<>();
        while (!queue.isEmpty() && queue.first().dueNanos <= now) {
            Peer peer = queue.pollFirst();
            peer.dueNanos = Long.MAX_VALUE;
            due.add(peer);
        }
        return due;
    }

    /** The earliest due time, or {@link Long#MAX_VALUE} when no peer has one. */
    long earliest() {
        return queue.isEmpty() ? Long.MAX_VALUE : queue.first().dueNanos;
    }

    /** Peers with a due time. */
    int size() {
        return queue.size();
    }
}
