package io.pilot.engine.session;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * The session layer's clock, run every {@link #TICK_NANOS} for every peer (provisional ones too): gives up
 * handshakes after the connect timeout and repeats unanswered INIT and FINAL messages with doubling
 * intervals, retires key pairs past their age or message limit, starts a rekey when keys grow old or the
 * peer falls silent, lets {@link Paths} probe relayed peers, and expires half-open responder handshakes.
 * Decides <em>when</em>; {@link Handshakes} and {@link Paths} do the sending. Time is passed in, so a test
 * drives it with any clock. Confined to the event loop.
 */
final class KeyTimers {

    static final long TICK_NANOS = 50_000_000L;
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

    KeyTimers(SessionSettings settings, PeerTable peers, Responders responders, IndexTable indexes,
            Handshakes handshakes, Paths paths) {
        this.settings = settings;
        this.peers = peers;
        this.responders = responders;
        this.indexes = indexes;
        this.handshakes = handshakes;
        this.paths = paths;
    }

    /** One tick: every peer, then the half-open responders. */
    void tick(long now) {
        for (Peer peer : new ArrayList<>(peers.all())) {
            tick(peer, now);
        }
        for (Peer peer : new ArrayList<>(peers.provisional())) {
            tick(peer, now);
            if (peer.initiation == null) {
                peers.removeProvisional(peer);
            }
        }
        responders.expire(now);
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
