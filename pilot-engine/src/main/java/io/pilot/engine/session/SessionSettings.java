package io.pilot.engine.session;

import java.time.Duration;

/**
 * Timings and limits of the secure session layer, WireGuard's discipline with Pilot's defaults. The
 * defaults suit production; tests shorten them to watch a rekey or an expiry happen.
 *
 * @param rekeyAfterTime start a new handshake when the current keys are this old (2 minutes)
 * @param rejectAfterTime refuse keys older than this, whatever happens (3 minutes)
 * @param rekeyAfterMessages start a new handshake after sending this many packets under one key pair
 * @param rejectAfterMessages never send more than this many packets under one key pair
 * @param connectTimeout give up a handshake (and fail whoever waits on it) after this long
 * @param handshakeRetransmit first retransmission interval of an unanswered handshake message; doubles up to 2 s
 * @param staleAfter re-handshake when packets have gone out for this long with nothing coming back
 * @param handshakesPerSecondPerSource per-source handshake rate (token bucket, burst twice this), kept apart for
 *        initiations that showed a cookie and for those that did not (see {@code HandshakeGuard})
 * @param cookieThreshold handshake initiations per second above which a cookie is required (a crowded
 *        half-open table requires one too, see {@code Responders})
 * @param maxPendingHandshakes bound on half-open responder states, an eighth of them for relayed initiations
 * @param peerIdleTimeout forget a peer that has had no connection, no handshake, no waiter and no traffic for
 *        this long (its keys and pinned key with it): the peer table shrinks back after a flood of one-time peers
 */
public record SessionSettings(Duration rekeyAfterTime, Duration rejectAfterTime, long rekeyAfterMessages,
                              long rejectAfterMessages, Duration connectTimeout, Duration handshakeRetransmit,
                              Duration staleAfter, int handshakesPerSecondPerSource, int cookieThreshold,
                              int maxPendingHandshakes, Duration peerIdleTimeout) {

    /**
     * 2^23 packets: RFC 9001's conservative confidentiality limit for AES-GCM; at 1200 bytes a packet
     * that is ~10 GB per key pair, so rekeying by volume costs one handshake every ~10 GB.
     */
    public static final long DEFAULT_REKEY_AFTER_MESSAGES = 1L << 23;

    public static final SessionSettings DEFAULTS = new SessionSettings(Duration.ofMinutes(2), Duration.ofMinutes(3),
            DEFAULT_REKEY_AFTER_MESSAGES, 1L << 24, Duration.ofSeconds(10), Duration.ofMillis(250),
            Duration.ofSeconds(5), 50, 500, 4096, Duration.ofMinutes(5));

    public SessionSettings {
        if (rejectAfterTime.compareTo(rekeyAfterTime) <= 0) {
            throw new IllegalArgumentException("rejectAfterTime must be longer than rekeyAfterTime");
        }
        if (rejectAfterMessages <= rekeyAfterMessages || rekeyAfterMessages <= 0) {
            throw new IllegalArgumentException("rejectAfterMessages must exceed rekeyAfterMessages > 0");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || handshakeRetransmit.isNegative()
                || handshakeRetransmit.isZero() || staleAfter.isNegative() || staleAfter.isZero()
                || peerIdleTimeout.isNegative() || peerIdleTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (handshakesPerSecondPerSource <= 0 || cookieThreshold <= 0 || maxPendingHandshakes <= 0) {
            throw new IllegalArgumentException("handshake limits must be positive");
        }
    }

    public SessionSettings withRekey(Duration afterTime, Duration rejectAfter) {
        return new SessionSettings(afterTime, rejectAfter, rekeyAfterMessages, rejectAfterMessages, connectTimeout,
                handshakeRetransmit, staleAfter, handshakesPerSecondPerSource, cookieThreshold, maxPendingHandshakes, peerIdleTimeout);
    }

    public SessionSettings withRekeyMessages(long afterMessages, long rejectAfter) {
        return new SessionSettings(rekeyAfterTime, rejectAfterTime, afterMessages, rejectAfter, connectTimeout,
                handshakeRetransmit, staleAfter, handshakesPerSecondPerSource, cookieThreshold, maxPendingHandshakes, peerIdleTimeout);
    }

    public SessionSettings withConnectTimeout(Duration timeout) {
        return new SessionSettings(rekeyAfterTime, rejectAfterTime, rekeyAfterMessages, rejectAfterMessages, timeout,
                handshakeRetransmit, staleAfter, handshakesPerSecondPerSource, cookieThreshold, maxPendingHandshakes, peerIdleTimeout);
    }

    public SessionSettings withStaleAfter(Duration after) {
        return new SessionSettings(rekeyAfterTime, rejectAfterTime, rekeyAfterMessages, rejectAfterMessages,
                connectTimeout, handshakeRetransmit, after, handshakesPerSecondPerSource, cookieThreshold,
                maxPendingHandshakes, peerIdleTimeout);
    }

    public SessionSettings withHandshakeLimits(int perSourcePerSecond, int cookieAbovePerSecond, int maxPending) {
        return new SessionSettings(rekeyAfterTime, rejectAfterTime, rekeyAfterMessages, rejectAfterMessages,
                connectTimeout, handshakeRetransmit, staleAfter, perSourcePerSecond, cookieAbovePerSecond, maxPending,
                peerIdleTimeout);
    }

    public SessionSettings withPeerIdleTimeout(Duration timeout) {
        return new SessionSettings(rekeyAfterTime, rejectAfterTime, rekeyAfterMessages, rejectAfterMessages,
                connectTimeout, handshakeRetransmit, staleAfter, handshakesPerSecondPerSource, cookieThreshold,
                maxPendingHandshakes, timeout);
    }
}
