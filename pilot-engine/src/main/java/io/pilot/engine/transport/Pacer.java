package io.pilot.engine.transport;

/**
 * Token-bucket pacer (RFC 9002 7.7): tokens refill at the congestion controller's pacing rate up to a burst of
 * {@code burstPackets} full packets. Pacing avoids dumping a whole window into router queues at once, which is what
 * causes bursts of loss on real paths. The rate comes from {@link CongestionController#pacingRate}: 1.25 windows per
 * smoothed RTT for the window-based controllers, the modelled bandwidth times a gain for {@link Bbr}.
 */
final class Pacer {

    private final int burstPackets;
    private long capacity;
    private double tokens;
    private long lastRefillNanos;

    Pacer(int burstPackets, int packetSize, long nowNanos) {
        this.burstPackets = burstPackets;
        this.capacity = (long) burstPackets * packetSize;
        this.tokens = capacity;
        this.lastRefillNanos = nowNanos;
    }

    /** The path's datagram size changed: the burst stays {@code burstPackets} full packets, of the new size. */
    void packetSize(int packetSize) {
        capacity = (long) burstPackets * packetSize;
        tokens = Math.min(tokens, capacity);
    }

    /** Earliest time (&ge; now) at which a packet of {@code bytes} may leave at {@code rate} bytes per nanosecond. */
    long releaseTime(long nowNanos, int bytes, double rate) {
        if (rate <= 0) {
            return nowNanos;
        }
        double available = refilled(nowNanos, rate);
        // A packet larger than the whole burst (a path found to carry large datagrams) leaves once the bucket is
        // full and takes it into debt: waiting for more tokens than the bucket holds would wait for ever.
        double needed = Math.min(bytes, capacity);
        if (available >= needed) {
            return nowNanos;
        }
        return nowNanos + (long) Math.ceil((needed - available) / rate);
    }

    void onPacketSent(long nowNanos, int bytes, double rate) {
        tokens = rate <= 0 ? capacity : refilled(nowNanos, rate) - bytes;
        lastRefillNanos = nowNanos;
    }

    private double refilled(long nowNanos, double rate) {
        long elapsed = Math.max(0, nowNanos - lastRefillNanos);
        return Math.min(capacity, tokens + elapsed * rate);
    }
}
