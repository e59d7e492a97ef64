package io.pilot.engine.transport;

/**
 * A window-based congestion controller as driven by {@link LossDetector}; separated so CUBIC or BBR can replace
 * {@link NewReno}. Bytes in flight are tracked by the loss detector, not here.
 */
interface CongestionController {

    /** Bytes of ack-eliciting packets that may be in flight. */
    long window();

    /**
     * An in-flight packet was acknowledged.
     *
     * @param appLimited true if the sender was not using the window, in which case it must not grow
     */
    void onPacketAcked(long sentTimeNanos, int bytes, boolean appLimited);

    /** Packets were declared lost; {@code sentTimeNanos} is the send time of the newest lost packet. */
    void onCongestionEvent(long sentTimeNanos, long nowNanos);

    /** Losses spanned more than the persistent-congestion duration: collapse to the minimum window. */
    void onPersistentCongestion();
}
