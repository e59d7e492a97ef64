package io.pilot.engine.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The session layer's clock, run every {@link #TICK_NANOS}: gives up handshakes after the connect timeout and
 * repeats unanswered INIT and FINAL messages with doubling intervals, retires key pairs past their age or
 * message limit, starts a rekey when keys grow old or the peer falls silent, lets {@link Paths} probe relayed
 * peers and challenge pending routes, expires half-open responder handshakes, and forgets idle peers.
 *
 * <p>A tick does not walk every peer: it walks the <em>busy</em> ones (a handshake under way, unconfirmed
 * keys, routes being challenged, a relayed path being probed), which need the 50 ms resolution, and sweeps
 * the whole table once every {@link #SWEEP_NANOS} for what is measured in seconds (rekeys, stale peers,
 * expiry, idle peers), or at the next tick after {@link #sweepSoon()} when work may have appeared where
 * the caller cannot say (a handshake message arrived). Callers that know which peer got work say so with
 * {@link #busy(Peer)}. Decides <em>when</em>; {@link Handshakes} and {@link Paths} do the sending. Time is
 * passed in, so a test drives it with any clock. Confined to the event loop.
 */
final class KeyTimers {

    static final long TICK_NANOS = 50_000_000L;
    /** How often every peer is looked at, busy or not. */
    static final long SWEEP_NANOS = 1_000_000_000L;
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
    private final Set<Peer> busy = new LinkedHashSet<>();
    private long nextSweepNanos = Long.MIN_VALUE;
    private boolean sweepSoon = true;
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

    /** One tick: the busy peers, or every peer when a sweep is due; then the half-open responders. */
    void tick(long now) {
        if (sweepSoon || now - nextSweepNanos >= 0) {
            sweep(now);
        } else {
            for (Peer peer : new ArrayList<>(busy)) {
                tick(peer, now);
                if (!isBusy(peer)) {
                    busy.remove(peer);
                }
            }
        }
        for (Peer peer : new ArrayList<>(peers.provisional())) {
            tick(peer, now);
            if (peer.initiation == null) {
                peers.removeProvisional(peer);
            }
        }
        responders.expire(now);
    }

    /** Every peer: its timers, whether it is busy, and whether it has been idle long enough to forget. */
    private void sweep(long now) {
        sweepSoon = false;
        nextSweepNanos = now + SWEEP_NANOS;
        busy.clear();
        for (Peer peer : new ArrayList<>(peers.all())) {
            tick(peer, now);
            if (isBusy(peer)) {
                busy.add(peer);
            } else if (idleLongEnough(peer, now)) {
                evict(peer);
            }
        }
    }

    /** {@code peer} has work that needs the tick's resolution (a handshake, a route to challenge). */
    void busy(Peer peer) {
        if (peer.address != null) {
            busy.add(peer);
        }
    }

    /** Work may have appeared on a peer the caller cannot name: look at every peer at the next tick. */
    void sweepSoon() {
        sweepSoon = true;
    }

    /** Peers walked at each tick between sweeps. */
    int busyPeers() {
        return busy.size();
    }

    /** Peers forgotten for being idle. */
    long evicted() {
        return evicted;
    }

    private static boolean isBusy(Peer peer) {
        return peer.initiation != null || peer.relayed || !peer.pendingPaths.isEmpty()
                || peer.current != null && !peer.current.confirmed || peer.next != null && !peer.next.confirmed;
    }

    /**
     * Whether a peer has had nothing going on for {@code peerIdleTimeout}: no connection, no handshake, no
     * waiter, no route being challenged, and no datagram either way since a sweep first saw it so.
     */
    private boolean idleLongEnough(Peer peer, long now) {
        long activity = Math.max(peer.lastReceivedNanos, peer.lastSentNanos);
        boolean quiet = peer.connection == null && peer.initiation == null && peer.waiters.isEmpty()
                && peer.pendingPaths.isEmpty();
        if (!quiet || !peer.idle || peer.idleActivityNanos != activity) {
            peer.idle = quiet;
            peer.idleSinceNanos = now;
            peer.idleActivityNanos = activity;
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

    private void tick(Peer peer, long now) {
        Initiation initiation = peer.initiation;
        if (initiation != null) {
            if (now - initiation.startedNanos >= settings.connectTimeout().toNanos()) {
                handshakes.abandon(peer, new SessionException("no handshake answer from " + peer.address + " at "
                        + peer.handshakeTargets() + (paths.canRelay(peer) ? " nor through the relay"
                        : paths.relayAllowed() ? " (no relay known)" : " (direct only: relaying is off)") + " within "
                        + settings.connectTimeout().toMillis() + " ms"));
            } else if (now >= initiation.nextRetransmitNanos) {
                handshakes.resendInitiation(peer, now);
                initiation.retransmitIntervalNanos = Math.min(MAX_RETRANSMIT_INTERVAL, initiation.retransmitIntervalNanos * 2);
                initiation.nextRetransmitNanos = now + initiation.retransmitIntervalNanos;
            }
        }
        for (Keypair keypair : Arrays.asList(peer.current, peer.next)) {
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
            boolean stale = peer.lastSentNanos - peer.lastReceivedNanos > settings.staleAfter().toNanos();
            if (old || stale) {
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
        if (peer.current == keypair) {
            peer.current = null;
        } else {
            peer.next = null;
        }
        handshakes.abandon(peer, new SessionException(peer.address + " at " + peer.endpoint
                + " answered the handshake but did not confirm the session within "
                + settings.connectTimeout().toMillis() + " ms: it may refuse this node (realm, access policy)"));
    }

    private boolean needsRekey(Keypair keypair, long now) {
        long age = keypair.ageNanos(now);
        long rekey = settings.rekeyAfterTime().toNanos();
        // The initiator of the current keys rekeys on time; the responder only if the initiator did not,
        // which keeps both sides from starting crossing handshakes at the same moment.
        return keypair.initiator ? age >= rekey
                : age >= rekey + settings.handshakeRetransmit().toNanos() * RESPONDER_REKEY_DELAY_INTERVALS;
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
