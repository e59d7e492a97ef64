package io.pilot.engine.session;

/**
 * A route a peer may be reached by that has not yet proved it (RFC 9000 §8.2, §9): this node sent a
 * PATH_CHALLENGE along it and waits for the PATH_RESPONSE that echoes its data. Until then the peer's path
 * stays where it was. A route the peer's own packets suggested is {@code limited}: this node sends along it at
 * most {@link #AMPLIFICATION_FACTOR} times the bytes it received from it, so a packet replayed from a forged
 * source cannot turn this node into an amplifier towards that source. A route this node chose itself (a
 * candidate it probes while relayed) is not limited by what it received. Confined to the event loop.
 */
final class PendingPath {

    static final int AMPLIFICATION_FACTOR = 3;

    final Route route;
    /** The challenge's 48 random bits, echoed by the response. */
    final long data;
    final long startedNanos;
    boolean limited;
    long nextChallengeNanos;
    int challengesSent;
    long bytesReceived;
    long bytesSent;

    PendingPath(Route route, long data, boolean limited, long now) {
        this.route = route;
        this.data = data;
        this.limited = limited;
        this.startedNanos = now;
        this.nextChallengeNanos = now;
    }

    /** Authenticated bytes that arrived along this route. */
    void received(int bytes) {
        bytesReceived += bytes;
    }

    /** Whether {@code bytes} more may go out along this route before it is validated. */
    boolean maySend(int bytes) {
        return !limited || bytesSent + bytes <= AMPLIFICATION_FACTOR * bytesReceived;
    }

    void sent(int bytes) {
        bytesSent += bytes;
    }
}
