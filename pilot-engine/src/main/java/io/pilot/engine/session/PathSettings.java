package io.pilot.engine.session;

import java.time.Duration;

/**
 * How a node chooses between a direct path and the relay.
 *
 * @param relayAllowed false for direct-only: a peer that cannot be reached directly is unreachable, and
 *        nothing that arrives through the relay is taken (a handshake, or a session's packets)
 * @param relayAfter how long a handshake tries direct endpoints alone before also trying through the relay
 * @param probeInterval while relayed, how often to send authenticated probes to the peer's direct endpoints;
 *        the first that arrives moves both sides to the direct path (and NATs that open late get their chance)
 */
public record PathSettings(boolean relayAllowed, Duration relayAfter, Duration probeInterval) {

    public static final PathSettings DEFAULTS = new PathSettings(true, Duration.ofMillis(1500), Duration.ofSeconds(2));

    /** Never relay. */
    public static final PathSettings DIRECT_ONLY = new PathSettings(false, DEFAULTS.relayAfter(), DEFAULTS.probeInterval());

    public PathSettings {
        if (relayAfter.isNegative() || probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("relayAfter must not be negative and probeInterval must be positive");
        }
    }
}
