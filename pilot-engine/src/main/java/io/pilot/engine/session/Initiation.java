package io.pilot.engine.session;

import io.pilot.engine.noise.HandshakeState;
import io.pilot.engine.wire.HandshakeInit;

/**
 * A handshake this node started and has not finished: the Noise state waiting for the responder's
 * message, and what is needed to repeat the first message on a timer. Confined to the event loop.
 */
final class Initiation {

    final Peer peer;
    final int localIndex;
    final HandshakeState noise;
    final long startedNanos;
    HandshakeInit message;
    /**
     * The cookie a busy responder asked for through the relay: bound to this node's address as the relay
     * names it, not to an endpoint, so it travels only in the INITs sent through the relay.
     */
    byte[] relayCookie;
    long nextRetransmitNanos;
    long retransmitIntervalNanos;

    Initiation(Peer peer, int localIndex, HandshakeState noise, HandshakeInit message, long startedNanos, long now,
            long firstRetransmitNanos) {
        this.peer = peer;
        this.localIndex = localIndex;
        this.noise = noise;
        this.message = message;
        this.startedNanos = startedNanos;
        this.retransmitIntervalNanos = firstRetransmitNanos;
        this.nextRetransmitNanos = now + firstRetransmitNanos;
    }

    /** The INIT to send through the relay: the same one, carrying the relay path's cookie once one was asked. */
    HandshakeInit relayedMessage() {
        return relayCookie == null ? message : message.withCookie(relayCookie);
    }
}
