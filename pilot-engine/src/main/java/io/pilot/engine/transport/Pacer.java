package io.pilot.engine.transport;

/**
 * Token-bucket pacer (RFC 9002 7.7): tokens refill at the congestion controller's pacing rate up to a burst of
 * {@code burstPackets} full packets. Pacing avoids dumping a whole window into router queues at once, which is what
 * causes bursts of loss on real paths. The rate comes from {@link CongestionController#pacingRate}: 1.25 windows per
 * smoothed RTT for the window-based controllers, the modelled bandwidth times a gain for {@link Bbr}.
 *
 * <p>The burst is counted in packets of the size being paced, not of the base size: on a path found to carry large
 * datagrams (DPLPMTUD) a bucket of ten base-size packets would hold less than one packet, so every packet would wait
 * for the bucket to fill and leave alone, one timer wake-up and one system call each, and never several to a
 * segmentation offload write.
 */
final class Pacer {

    private final int burstPackets;
    private final int basePacketSize;
    private double tokens;
    private long lastRefillNanos;

    Pacer(int burstPackets, int basePacketSize, long nowNanos) {
        this.burstPackets = burstPackets;
        this.basePacketSize = basePacketSize;
        this.tokens = capacity(basePacketSize);
        this.lastRefillNanos = nowNanos;
    }

    /** Earliest time (&ge; now) at which a packet of {@code bytes} may leave at {@code rate} bytes per nanosecond. */
    long releaseTime(long nowNanos, int bytes, double rate) {
        if (rate <= 0) {
            return nowNanos;
        }
        double available = refilled(nowNanos, bytes, rate);
        if (available >= bytes) {
            return nowNanos;
        }
        return nowNanos + (long) Math.ceil((bytes - available) / rate);
    }

    void onPacketSent(long nowNanos, int bytes, double rate) {
        tokens = rate <= 0 ? capacity(bytes) : refilled(nowNanos, bytes, rate) - bytes;
        lastRefillNanos = nowNanos;
    }

    /** What the bucket holds at most while packets of {@code bytes} are paced: the burst. */
    private double capacity(int bytes) {
        return (double) burstPackets * Math.max(basePacketSize, bytes);
    }

    private double refilled(long nowNanos, int bytes, double rate) {
        long elapsed = Math.max(0, nowNanos - lastRefillNanos);
        return Math.min(capacity(bytes), tokens + elapsed * rate);
    }
}
