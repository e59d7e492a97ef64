package io.pilot.engine.transport;

/**
 * Round-trip time estimation per RFC 6298 (alpha 1/8, beta 1/4) with the RFC 9002 5.2/5.3 refinements: min_rtt is the
 * smallest raw sample, the first sample sets min_rtt and SRTT as it is (its ack delay ignored), and later samples
 * have the peer's reported ACK delay (capped at max_ack_delay) subtracted, never going below min_rtt.
 *
 * <p>One deliberate difference from RFC 9002 5.3: when subtracting the ack delay would go below min_rtt, the RFC keeps
 * the whole sample, delay included; this estimator keeps min_rtt. Both refuse to believe a path faster than any
 * sample seen, which is the guard against a peer over-reporting its delay. But min_rtt is only as low as the fastest
 * raw sample, and raw samples are slow while a process warms up or while every ACK is a delayed one (a provider
 * whose replies are acknowledged by the caller's delayed-ACK timer), so with the RFC rule such a sample put the whole
 * timer (10 ms) into SRTT, where the path itself took 100 microseconds. An ack delay longer than the sample itself
 * cannot be true and is ignored, as in the RFC.
 *
 * <p>Karn's rule holds by construction: packet numbers are never reused and retransmitted data always travels in a
 * new packet, so every acknowledged packet number identifies exactly one transmission and every sample is unambiguous.
 *
 * <p>{@link #rto()} is RFC 6298's {@code SRTT + max(G, 4*RTTVAR)} with G = 1 ms and no 1 s floor; the probe timeout
 * adds the peer's max_ack_delay (RFC 9002 6.2.1). A high floor (TCP's 200 ms-1 s) exists because a TCP RTO collapses
 * the congestion window; a PTO only sends one or two probe packets, so a spurious PTO is cheap and a low floor keeps
 * tail-loss recovery fast on low-latency paths. The floor stays configurable ({@code minProbeTimeout}, default 1 ms).
 */
final class RttEstimator {

    /** A round-trip estimate whose last sample is older than this no longer says how fast the peer answers now. */
    static final long STALE_AFTER_NANOS = 1_000_000_000L;
    /** Timer granularity (RFC 9002 kGranularity). */
    static final long GRANULARITY_NANOS = 1_000_000L;

    private final long maxAckDelayNanos;
    private final long minProbeTimeoutNanos;
    private long latest;
    private long smoothed;
    private long variance;
    private long min;
    private boolean hasSample;
    private long bearerFloorNanos;

    RttEstimator(long initialRttNanos, long maxAckDelayNanos, long minProbeTimeoutNanos) {
        this.maxAckDelayNanos = maxAckDelayNanos;
        this.minProbeTimeoutNanos = minProbeTimeoutNanos;
        this.smoothed = initialRttNanos;
        this.variance = initialRttNanos / 2;
    }

    void onSample(long latestRttNanos, long ackDelayNanos) {
        long sample = Math.max(latestRttNanos, 0);
        latest = sample;
        if (!hasSample) {
            hasSample = true;
            min = sample;
            smoothed = sample;
            variance = sample / 2;
            return;
        }
        min = Math.min(min, sample);
        long adjusted = withoutAckDelay(sample, ackDelayNanos);
        variance = (3 * variance + Math.abs(smoothed - adjusted)) / 4;
        smoothed = (7 * smoothed + adjusted) / 8;
    }

    /** The sample less the peer's ack delay, capped at max_ack_delay and floored at min_rtt (see the class doc). */
    private long withoutAckDelay(long sample, long ackDelayNanos) {
        long ackDelay = Math.min(Math.max(ackDelayNanos, 0), maxAckDelayNanos);
        if (ackDelay > sample) {
            return sample;
        }
        return Math.max(min, sample - ackDelay);
    }

    boolean hasSample() {
        return hasSample;
    }

    long smoothed() {
        return smoothed;
    }

    long variance() {
        return variance;
    }

    /** The smallest raw sample (ack delay included), 0 before the first. */
    long min() {
        return min;
    }

    long rto() {
        return smoothed + Math.max(GRANULARITY_NANOS, 4 * variance);
    }

    /** Probe timeout before exponential backoff. */
    long pto() {
        return pto(true);
    }

    /**
     * Probe timeout before exponential backoff, with the peer's max_ack_delay or without it: without when the last
     * ack-eliciting packet sent asked the peer to acknowledge at once ({@link Connection}, a flight's tail), so that
     * no ACK the peer owes can be waiting on its delayed-ACK timer.
     */
    long pto(boolean peerMayDelayAck) {
        long ackDelay = peerMayDelayAck ? maxAckDelayNanos : 0;
        return Math.max(Math.max(minProbeTimeoutNanos, bearerFloorNanos), rto() + ackDelay);
    }

    /** A floor the bearer sets under the probe timeout (0: none): see {@link Connection#carriedReliably}. */
    void bearerFloor(long nanos) {
        bearerFloorNanos = nanos;
    }

    /** RFC 9002 time threshold: 9/8 of max(SRTT, latest RTT), at least the timer granularity. */
    long lossDelay() {
        return Math.max(GRANULARITY_NANOS, Math.max(latest, smoothed) * 9 / 8);
    }
}
