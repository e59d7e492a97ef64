package io.pilot.engine.session;

import java.time.Duration;

/**
 * A peer's session as the event loop last left it: whether it is established, whether its traffic goes through
 * the relay, and its smoothed RTT. Immutable: the loop publishes a new one whenever one of these changes
 * ({@link Peer#snapshot()}), so any thread reads the facts of one moment, without a round trip to the loop.
 *
 * @param established      the peer has an open connection
 * @param relayed          traffic to the peer goes through the relay
 * @param smoothedRttNanos the connection's smoothed RTT, 0 before its first sample or without a connection
 */
public record PeerSnapshot(boolean established, boolean relayed, long smoothedRttNanos) {

    /** The smoothed RTT, or null before the connection's first sample or without a connection. */
    public Duration smoothedRtt() {
        return smoothedRttNanos > 0 ? Duration.ofNanos(smoothedRttNanos) : null;
    }
}
