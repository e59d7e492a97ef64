package io.pilot.engine.session;

import io.pilot.engine.address.HostPort;

import java.util.Arrays;

/**
 * The session layer's clock: gives up handshakes after the connect timeout and repeats unanswered INIT and
 * FINAL messages with doubling intervals, retires key pairs past their age or message limit, starts a rekey
 * when keys grow old or the peer falls silent, lets {@link Paths} probe relayed peers and challenge pending
 * routes, expires half-open responder handshakes, and forgets idle peers.
 *
 * <p>Each peer has one due time, the earliest of its timers (retransmission, connect timeout, unconfirmed
 * keys, key expiry, rekey by time, the stale rule, path challenges and probes, idle eviction), kept in the
 * {@link PeerDeadlines} queue. A tick, at most every {@link #TICK_NANOS} and only when something is due
 * ({@link TickAlarm}), visits only the peers whose due time has
 * passed, fires what is due on each and files it again at its next due time; a timer fires at most one tick
 * late. Whatever brings a peer's timers forward outside a visit (a handshake message, a waiter, a send, a
 * confirmation, a route to challenge, a new or disconnected peer) calls {@link #reschedule}; a due time that
 * moved later is found at the visit, which files the peer again. Nothing walks the whole table. Decides
 * <em>when</em>; {@link Handshakes} and {@link Paths} do the sending. Time is passed in, so a test drives it
 * with any clock. Confined to the event loop.
 */
final class KeyTimers {

    static final long TICK_NANOS = 50_000_000L;
    /**
     * A timer found due at a visit that could not act (a rekey with nowhere to send it) is tried again this
     * much later rather than at every tick.
     */
    static final long RETRY_NANOS = 1_000_000_000L;
    /** Retransmission intervals double from {@link SessionSettings#handshakeRetransmit()} up to this. */
    static final long MAX_RETRANSMIT_INTERVAL = 2_000_000_000L;
    /**
     * The responder of the current keys rekeys this many first retransmission intervals after the initiator
     * would have, so that normally only the initiator does and the two never start crossing handshakes.
     */
    private static final int RESPONDER_REKEY_DELAY_INTERVALS = 40;

    private final SessionSettings settings;
    private final PeerTable peers;
    private final Responders responders;
    private final IndexTable indexes;
    private final Handshakes handshakes;
    private final Paths paths;
    private final PeerDeadlines deadlines = new PeerDeadlines();
    private long visits;
    private long evicted;

    KeyTimers(SessionSettings settings, PeerTable peers, Responders responders, IndexTable indexes,
            Handshakes handshakes, Paths paths) {
        this.settings = settings;
        this.peers = peers;
        this.responders = responders;
        this.indexes = indexes;
        this.handshakes = handshakes;
        this.paths = paths;
    }

    /** One tick: the peers whose due time has passed, then the half-open responders. */
    void tick(long now) {
        for (Peer peer : deadlines.takeDue(now)) {
            visit(peer, now);
        }
        responders.expire(now);
    }

    /**
     * {@code peer}'s timers may have come forward (it got work, sent, or lost its connection): file it at its
     * next due time if that is earlier than the one it has. A timer already due fires at the next tick.
     */
    void reschedule(Peer peer, long now) {
        deadlines.advance(peer, nextDue(peer, now, now));
    }

    /**
     * Runs {@code handle}, the handling of a handshake message addressed to receiver index {@code index}, and
     * reschedules the peer that index belonged to before (a RESPONSE's initiation, a repeated FINAL's keys)
     * and after (the keys the message installed, filed under a peer that may be another one when a provisional
     * peer turned out to be a known one). No other peer's timers depend on the message.
     */
    void rescheduleAround(int index, long now, Runnable handle) {
        Peer before = peerOf(indexes.get(index));
        handle.run();
        Peer after = peerOf(indexes.get(index));
        if (before != null) {
            reschedule(before, now);
        }
        if (after != null && after != before) {
            reschedule(after, now);
        }
    }

    private static Peer peerOf(Object indexed) {
        if (indexed instanceof Initiation initiation) {
            return initiation.peer;
        }
        return indexed instanceof Keypair keypair ? keypair.peer : null;
    }

    /**
     * When the next tick has something to do: the earliest due peer, or the earliest half-open responder to expire;
     * {@link Long#MAX_VALUE} for nothing ({@link TickAlarm}).
     */
    long nextTickDue() {
        return Math.min(deadlines.earliest(), responders.earliestExpiry());
    }

    /** Peers visited so far: the cost of the timers, which grows with what is due, not with the table. */
    long visits() {
        return visits;
    }

    /** Peers with a due time. */
    int scheduledPeers() {
        return deadlines.size();
    }

    /** Peers forgotten for being idle. */
    long evicted() {
        return evicted;
    }

    /** Fires what is due on a peer, then files it at its next due time, forgets it, or lets it go. */
    private void visit(Peer peer, long now) {
        visits++;
        if (!filed(peer)) {
            return; // forgotten, or a provisional peer merged into the known one since it was filed
        }
        fire(peer, now);
        if (peer.address == null && peer.initiation == null) {
            peers.removeProvisional(peer);
        } else if (peer.address != null && idleLongEnough(peer, now)) {
            evict(peer);
        } else {
            deadlines.set(peer, nextDue(peer, now, now + RETRY_NANOS));
        }
    }

    private boolean filed(Peer peer) {
        return peer.address == null ? peers.provisional().contains(peer) : peers.get(peer.address) == peer;
    }

    /**
     * The earliest of {@code peer}'s timers; one already passed counts as {@code overdue} (now when
     * rescheduling, a retry later just after a visit that could not act on it).
     */
    private long nextDue(Peer peer, long now, long overdue) {
        long due = Long.MAX_VALUE;
        Initiation initiation = peer.initiation;
        if (initiation != null) {
            due = Math.min(initiation.startedNanos + settings.connectTimeout().toNanos(), initiation.nextRetransmitNanos);
        }
        due = Math.min(due, Math.min(keysDue(peer.current), keysDue(peer.next)));
        due = Math.min(due, keysDue(peer.previous));
        due = Math.min(due, paths.nextDueNanos(peer, now));
        due = Math.min(due, rekeyDue(peer, now));
        if (peer.address != null && quiet(peer)) {
            // Not yet seen idle at this traffic: the next visit starts the idle clock.
            due = Math.min(due, idleSeen(peer) ? peer.idleSinceNanos + settings.peerIdleTimeout().toNanos() : now);
        }
        return due <= now ? overdue : due;
    }

    /**
     * When a key pair's timers are next due: its hard age, and for unconfirmed ones its FINAL retransmission
     * and confirmation timeout. Called on every send, so it allocates nothing.
     */
    private long keysDue(Keypair keypair) {
        if (keypair == null) {
            return Long.MAX_VALUE;
        }
        long due = keypair.createdNanos + settings.rejectAfterTime().toNanos();
        if (!keypair.confirmed) {
            due = Math.min(due, Math.min(keypair.createdNanos + settings.connectTimeout().toNanos(),
                    keypair.nextFinalRetransmitNanos));
        }
        return due;
    }

    /** When a handshake should start for old keys or a silent peer; {@link Long#MAX_VALUE} if none may start. */
    private long rekeyDue(Peer peer, long now) {
        if (peer.connection == null || peer.initiation != null || peer.next != null) {
            return Long.MAX_VALUE;
        }
        Keypair current = peer.current;
        if (current == null) {
            return now;
        }
        return Math.min(staleAt(peer), current.createdNanos + rekeyAge(current));
    }

    /**
     * When the peer turns stale, {@link Long#MAX_VALUE} while nothing waits for an answer: once a packet that asks
     * for one has waited, with nothing heard from the peer, for more than {@code staleAfter}, the peer may have lost
     * its keys (restarted) and drops what this side sends. Counted from that packet (or from what the session heard
     * after it), not from the last thing received before it: a peer that was merely quiet, then sent to, is not
     * stale (it answers within its ack delay).
     */
    private long staleAt(Peer peer) {
        long silentSince = unansweredSince(peer);
        return silentSince == Long.MAX_VALUE ? Long.MAX_VALUE : silentSince + settings.staleAfter().toNanos() + 1;
    }

    /**
     * Since when the peer has been silent while a packet waits for its answer: from the connection's first packet
     * asking for one since the connection last heard the peer, or from the last thing the session heard from it since
     * (a probe, a path frame, a confirmation, a handshake), whichever is later; {@link Long#MAX_VALUE} while nothing
     * waits for an answer.
     */
    private static long unansweredSince(Peer peer) {
        long since = peer.connection == null ? Long.MAX_VALUE : peer.connection.awaitingAnswerSinceNanos();
        return since != Long.MAX_VALUE && peer.lastReceivedNanos - since > 0 ? peer.lastReceivedNanos : since;
    }

    /** No connection, no handshake (initiation or keys awaiting their confirmation), no waiter, no route to validate. */
    private static boolean quiet(Peer peer) {
        return peer.connection == null && peer.initiation == null && peer.waiters.isEmpty()
                && peer.pendingPaths.isEmpty() && confirmed(peer.current) && confirmed(peer.next);
    }

    private static boolean confirmed(Keypair keypair) {
        return keypair == null || keypair.confirmed;
    }

    /** Whether a visit saw the peer quiet at the traffic it has now. */
    private static boolean idleSeen(Peer peer) {
        return peer.idle && peer.idleActivityNanos == Math.max(peer.lastReceivedNanos, peer.lastSentNanos);
    }

    /**
     * Whether a peer has had nothing going on for {@code peerIdleTimeout}: {@link #quiet}, and no datagram
     * either way since a visit first saw it so.
     */
    private boolean idleLongEnough(Peer peer, long now) {
        boolean quiet = quiet(peer);
        if (!quiet || !idleSeen(peer)) {
            peer.idle = quiet;
            peer.idleSinceNanos = now;
            peer.idleActivityNanos = Math.max(peer.lastReceivedNanos, peer.lastSentNanos);
            return false;
        }
        return now - peer.idleSinceNanos >= settings.peerIdleTimeout().toNanos();
    }

    /** Forgets a peer: its key pairs' indexes, its place in the relay's endpoint index, its entry. */
    private void evict(Peer peer) {
        indexes.retire(peer.current);
        indexes.retire(peer.previous);
        indexes.retire(peer.next);
        peer.current = peer.previous = peer.next = null;
        paths.setEndpoint(peer, null);
        peers.remove(peer);
        evicted++;
    }

    /** Fires whatever is due on {@code peer}: the only place a timer acts. */
    private void fire(Peer peer, long now) {
        Initiation initiation = peer.initiation;
        if (initiation != null) {
            if (now - initiation.startedNanos >= settings.connectTimeout().toNanos()) {
                handshakes.abandon(peer, new SessionException("no handshake answer from " + peer.address + " at "
                        + HostPort.formatAll(peer.handshakeTargets()) + (paths.canRelay(peer) ? " nor through the relay"
                        : paths.relayAllowed() ? " (no relay known)" : " (direct only: relaying is off)") + " within "
                        + settings.connectTimeout().toMillis() + " ms"));
            } else if (now >= initiation.nextRetransmitNanos) {
                handshakes.resendInitiation(peer, now);
                initiation.retransmitIntervalNanos = Math.min(MAX_RETRANSMIT_INTERVAL, initiation.retransmitIntervalNanos * 2);
                initiation.nextRetransmitNanos = now + initiation.retransmitIntervalNanos;
            }
        }
        // Previous too: a crossed handshake's responder keys push this side's unconfirmed ones there, and the
        // peer may already send under their twin, which this side drops until its FINAL draws a confirmation.
        for (Keypair keypair : Arrays.asList(peer.current, peer.next, peer.previous)) {
            if (keypair == null || keypair.confirmed) {
                continue;
            }
            if (keypair.ageNanos(now) >= settings.connectTimeout().toNanos()) {
                unconfirmed(peer, keypair);
            } else if (now >= keypair.nextFinalRetransmitNanos) {
                handshakes.sendFinal(peer, keypair);
                keypair.finalRetransmitIntervalNanos = Math.min(MAX_RETRANSMIT_INTERVAL, keypair.finalRetransmitIntervalNanos * 2);
                keypair.nextFinalRetransmitNanos = now + keypair.finalRetransmitIntervalNanos;
            }
        }
        expireKeypairs(peer, now);
        paths.validateIfDue(peer, now);
        paths.probeIfDue(peer, now);
        Keypair current = peer.current;
        if (peer.connection != null && peer.initiation == null && peer.next == null) {
            boolean old = current == null || needsRekey(current, now);
            if (old || staleAt(peer) <= now) {
                handshakes.initiate(peer, now);
            }
        }
    }

    /**
     * The responder never confirmed keys it answered for: it refused this node after the Noise handshake
     * (realm, access policy, a key pinned to another node) or its confirmations are all lost.
     */
    private void unconfirmed(Peer peer, Keypair keypair) {
        indexes.retire(keypair);
        if (peer.previous == keypair) {
            peer.previous = null; // superseded already: no one waits on these keys
            return;
        }
        if (peer.current == keypair) {
            peer.current = null;
        } else {
            peer.next = null;
        }
        handshakes.abandon(peer, new SessionException(peer.address + " at " + HostPort.format(peer.endpoint)
                + " answered the handshake but did not confirm the session within "
                + settings.connectTimeout().toMillis() + " ms: it may refuse this node (realm, access policy)"));
    }

    private boolean needsRekey(Keypair keypair, long now) {
        return keypair.ageNanos(now) >= rekeyAge(keypair);
    }

    /**
     * The age at which keys are renewed: the initiator of the current keys rekeys on time; the responder only
     * if the initiator did not, which keeps both sides from starting crossing handshakes at the same moment.
     */
    private long rekeyAge(Keypair keypair) {
        long rekey = settings.rekeyAfterTime().toNanos();
        return keypair.initiator ? rekey : rekey + settings.handshakeRetransmit().toNanos() * RESPONDER_REKEY_DELAY_INTERVALS;
    }

    /** Keys past their hard age or message limit are dropped, their indexes freed. */
    private void expireKeypairs(Peer peer, long now) {
        if (peer.previous != null && !peer.previous.usable(now, settings)) {
            indexes.retire(peer.previous);
            peer.previous = null;
        }
        if (peer.next != null && !peer.next.usable(now, settings)) {
            indexes.retire(peer.next);
            peer.next = null;
        }
        if (peer.current != null && !peer.current.usable(now, settings)) {
            indexes.retire(peer.current);
            peer.current = null;
        }
    }
}
