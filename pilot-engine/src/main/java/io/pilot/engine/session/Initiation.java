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
    /** When a cookie reply last made this INIT go again directly, and through the relay; {@link #NEVER} before. */
    private long cookieResentNanos = NEVER;
    private long relayCookieResentNanos = NEVER;

    /** The shortest time between two INITs sent again because a cookie reply came. */
    static final long COOKIE_RESEND_INTERVAL_NANOS = 100_000_000L;

    private static final long NEVER = Long.MIN_VALUE;

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

    /**
     * Whether a cookie reply that came directly ({@code relayed} false) or through the relay may make this INIT go
     * again now, that way: the first at once, then one per {@link #COOKIE_RESEND_INTERVAL_NANOS}. Takes the turn when
     * it answers yes.
     */
    boolean mayResendForCookie(long now, boolean relayed) {
        long last = relayed ? relayCookieResentNanos : cookieResentNanos;
        if (last != NEVER && now - last < COOKIE_RESEND_INTERVAL_NANOS) {
            return false;
        }
        if (relayed) {
            relayCookieResentNanos = now;
        } else {
            cookieResentNanos = now;
        }
        return true;
    }

    /** The INIT to send through the relay: the same one, carrying the relay path's cookie once one was asked. */
    HandshakeInit relayedMessage() {
        return relayCookie == null ? message : message.withCookie(relayCookie);
    }
}
