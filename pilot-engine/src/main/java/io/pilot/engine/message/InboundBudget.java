package io.pilot.engine.message;

import java.util.HashMap;
import java.util.Map;

/**
 * The bytes that partly received requests hold on this node ({@link MessageFrameDecoder#bufferedBytes()}), bounded per
 * peer and in all: a peer that opens many requests and never finishes them is refused ({@code OVERLOADED}) once its
 * share is full, and so is every peer once all of them together hold the node's whole budget, since identities are
 * free and many peers could otherwise add up to more than the heap. A peer's account lasts as long as its connection:
 * when that closes, what it held is free again, and an exchange of the old connection that lets go afterwards changes
 * nothing (the account is spent). Confined to the event loop, as the exchanges that use it.
 *
 * @param <P> what tells peers apart: the session's peer
 */
final class InboundBudget<P> {

    private final long perPeer;
    private final long total;
    private final Map<P, Account> accounts = new HashMap<>();
    private long held;

    /**
     * @param perPeer what one peer's partly received requests may hold at once
     * @param total   what all peers' may hold together; at least {@code perPeer}
     */
    InboundBudget(long perPeer, long total) {
        if (perPeer <= 0 || total < perPeer) {
            throw new IllegalArgumentException("budget per peer " + perPeer + " must be positive and at most the total "
                    + total);
        }
        this.perPeer = perPeer;
        this.total = total;
    }

    /** The account of {@code peer}'s current connection, opened on first use. */
    Account of(P peer) {
        return accounts.computeIfAbsent(peer, p -> new Account());
    }

    /** {@code peer}'s connection closed: what its requests held is free, and its account spent. */
    void closed(P peer) {
        Account account = accounts.remove(peer);
        if (account != null) {
            held -= account.held;
            account.held = 0;
            account.spent = true;
        }
    }

    /** What all peers' partly received requests hold now. */
    long held() {
        return held;
    }

    long perPeer() {
        return perPeer;
    }

    long total() {
        return total;
    }

    /** One peer's share while its connection lasts. */
    final class Account {
        private long held;
        private boolean spent;

        /**
         * A request's hold changes from {@code from} to {@code to} bytes; false, and nothing changed, if that would
         * take this peer or the node over its budget. Growing never fails on a spent account (there is nothing to
         * bound: its connection is gone), nor does shrinking on any.
         */
        boolean change(long from, long to) {
            if (spent) {
                return true;
            }
            long delta = to - from;
            if (delta > 0 && (held + delta > perPeer || InboundBudget.this.held + delta > total)) {
                return false;
            }
            held += delta;
            InboundBudget.this.held += delta;
            return true;
        }

        /** Whether growing by {@code delta} failed for the node's total rather than this peer's share. */
        boolean nodeFullFor(long delta) {
            return held + delta <= perPeer;
        }
    }
}
