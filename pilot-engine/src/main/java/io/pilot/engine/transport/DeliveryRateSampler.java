package io.pilot.engine.transport;

/**
 * Delivery-rate samples, one per ACK, as draft-cheng-iccrg-delivery-rate-estimation describes them: every packet
 * leaves stamped with how much the connection had delivered by then and when; when it is acknowledged, the bytes
 * delivered since over the longer of its send interval and its ACK interval is the rate the path delivered at. The
 * longer of the two keeps ACK compression (ACKs bunched by the receiver or the event loop) from inflating the
 * sample. Samples taken while the application, not the path, limited the sender are flagged: they may only raise an
 * estimate, never lower it.
 */
final class DeliveryRateSampler {

    private long delivered;
    private long deliveredNanos;
    private long firstSentNanos;
    /** Delivered count past which the sender is no longer application-limited; 0: not application-limited. */
    private long appLimitedUntil;

    private boolean sampling;
    private long priorDelivered;

    private long sendElapsed;
    private long ackElapsed;
    private boolean sampleAppLimited;

    private double rate;
    private long sampleDelivered;
    private boolean appLimited;

    /** Stamps a packet as it leaves; {@code bytesInFlight} includes it. */
    void onPacketSent(SentPacket packet, long bytesInFlight) {
        if (bytesInFlight == packet.size) {
            // Nothing else in flight: the send interval starts now, not at the last ACK of a previous flight.
            firstSentNanos = packet.sentNanos;
            deliveredNanos = packet.sentNanos;
        }
        packet.delivered = delivered;
        packet.deliveredNanos = deliveredNanos;
        packet.firstSentNanos = firstSentNanos;
        packet.appLimited = appLimitedUntil != 0;
    }

    /** The sender has nothing to send with window to spare: packets sent until all in flight is delivered are flagged. */
    void onApplicationLimited(long bytesInFlight) {
        appLimitedUntil = Math.max(delivered + bytesInFlight, 1);
    }

    void onPacketAcked(SentPacket packet, long nowNanos) {
        delivered += packet.size;
        deliveredNanos = nowNanos;
        if (!sampling || packet.delivered >= priorDelivered) {
            // The most recently sent packet of this ACK defines the sample.
            sampling = true;
            priorDelivered = packet.delivered;
            sampleAppLimited = packet.appLimited;
            sendElapsed = packet.sentNanos - packet.firstSentNanos;
            ackElapsed = nowNanos - packet.deliveredNanos;
            firstSentNanos = packet.sentNanos;
        }
    }

    /**
     * Ends the ACK's sample.
     *
     * @param minRttNanos the path's minimum RTT; a sample over a shorter interval is ACK compression, not a rate
     * @return true if a rate sample was taken ({@link #rate()}, {@link #appLimited()})
     */
    boolean onAckProcessed(long minRttNanos) {
        if (appLimitedUntil != 0 && delivered > appLimitedUntil) {
            appLimitedUntil = 0;
        }
        if (!sampling) {
            return false;
        }
        sampling = false;
        long interval = Math.max(sendElapsed, ackElapsed);
        sampleDelivered = delivered - priorDelivered;
        if (interval <= 0 || interval < minRttNanos) {
            return false;
        }
        rate = (double) sampleDelivered / interval;
        appLimited = sampleAppLimited;
        return true;
    }

    /** The last sample's rate, bytes per nanosecond. */
    double rate() {
        return rate;
    }

    /** Whether the last sample was taken while the application limited the sender. */
    boolean appLimited() {
        return appLimited;
    }

    /** Bytes acknowledged on the connection so far. */
    long delivered() {
        return delivered;
    }

    /** When the connection's ACKs were last processed: the start of the next packet's ACK interval. */
    long deliveredNanos() {
        return deliveredNanos;
    }

    /** Whether packets leaving now are flagged application-limited. */
    boolean isAppLimited() {
        return appLimitedUntil != 0;
    }
}
