package io.pilot.engine.transport;

/**
 * Token-bucket pacer (RFC 9002 7.7): tokens refill at {@code 1.25 * cwnd / srtt} bytes per nanosecond up to a burst
 * of {@code burstPackets} full packets. Pacing avoids dumping a whole window into router queues at once, which is
 * what causes bursts of loss on real paths; the 1.25 gain keeps pacing from slowing slow start down.
 */
final class Pacer {

    private static final double GAIN = 1.25;

    private final long capacity;
    private double tokens;
    private long lastRefillNanos;

    Pacer(int burstPackets, int packetSize, long nowNanos) {
        this.capacity = (long) burstPackets * packetSize;
        this.tokens = capacity;
        this.lastRefillNanos = nowNanos;
    }

    /** Earliest time (&ge; now) at which a packet of {@code bytes} may leave. */
    long releaseTime(long nowNanos, int bytes, long window, long smoothedRttNanos) {
        if (smoothedRttNanos <= 0) {
            return nowNanos;
        }
        double rate = GAIN * window / smoothedRttNanos;
        double available = refilled(nowNanos, rate);
        if (available >= bytes) {
            return nowNanos;
        }
        return nowNanos + (long) Math.ceil((bytes - available) / rate);
    }

    void onPacketSent(long nowNanos, int bytes, long window, long smoothedRttNanos) {
        tokens = smoothedRttNanos <= 0 ? capacity : refilled(nowNanos, GAIN * window / smoothedRttNanos) - bytes;
        lastRefillNanos = nowNanos;
    }

    private double refilled(long nowNanos, double rate) {
        long elapsed = Math.max(0, nowNanos - lastRefillNanos);
        return Math.min(capacity, tokens + elapsed * rate);
    }
}
