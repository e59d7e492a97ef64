package io.pilot.engine.transport;

/**
 * A congestion controller as driven by {@link LossDetector} and {@link Connection}: how many bytes may be in flight
 * and how fast they may leave. {@link NewReno} and {@link Cubic} are window-based and pace at 1.25 windows per
 * smoothed RTT; {@link Bbr} models the path (bottleneck bandwidth, minimum RTT) and sets both from the model. Bytes in
 * flight are tracked by the loss detector, not here; {@link CongestionControl} chooses the implementation.
 */
interface CongestionController {

    /** Pacing gain of the window-based controllers (RFC 9002 7.7): keeps pacing from slowing slow start down. */
    double WINDOW_PACING_GAIN = 1.25;

    /** Bytes of ack-eliciting packets that may be in flight. */
    long window();

    /** The least {@link #window} can be: what the controller never goes below, however much is lost. */
    long minimumWindow();

    /**
     * The largest datagram the path carries changed ({@link PathMtuProbing} found a larger one, or a new path starts
     * over at the base): whatever the controller counts in packets (its additive step, its floors, its headroom)
     * counts packets of this size from now on. The window's bytes stay, but never below the new floor.
     */
    void onDatagramSizeChanged(int maxDatagramSize);

    /** Bytes per nanosecond the pacer lets out; 0 or less means do not pace. */
    default double pacingRate(long smoothedRttNanos) {
        return smoothedRttNanos <= 0 ? 0 : WINDOW_PACING_GAIN * window() / smoothedRttNanos;
    }

    /** An ack-eliciting packet left; {@code bytesInFlight} includes it. Controllers may stamp it with state. */
    default void onPacketSent(SentPacket packet, long bytesInFlight, long nowNanos) {
    }

    /**
     * The sender has nothing to send although the window would allow it: samples taken while the application
     * limits the rate say nothing about the path.
     */
    default void onApplicationLimited(long bytesInFlight) {
    }

    /**
     * An in-flight packet was acknowledged.
     *
     * @param appLimited true if the sender was not using the window, in which case it must not grow
     */
    void onPacketAcked(SentPacket packet, long nowNanos, boolean appLimited);

    /** An in-flight packet was declared lost (before {@link #onCongestionEvent} for the same detection round). */
    default void onPacketLost(SentPacket packet) {
    }

    /** Every packet an ACK acknowledged has been passed to {@link #onPacketAcked}; {@code bytesInFlight} is after it. */
    default void onAckProcessed(long nowNanos, long bytesInFlight) {
    }

    /** Packets were declared lost; {@code sentTimeNanos} is the send time of the newest lost packet. */
    void onCongestionEvent(long sentTimeNanos, long nowNanos);

    /** Losses spanned more than the persistent-congestion duration: collapse to the minimum window. */
    void onPersistentCongestion();
}
