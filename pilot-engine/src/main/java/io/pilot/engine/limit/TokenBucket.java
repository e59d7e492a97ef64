package io.pilot.engine.limit;

/**
 * A rate limit: refills at {@code rate} tokens a second up to a burst of twice that. Not thread-safe;
 * callers hold their own lock or confine it to one thread.
 */
public final class TokenBucket {

    private final int rate;
    private double tokens;
    private long updatedNanos;

    public TokenBucket(int rate, long nowNanos) {
        this.rate = rate;
        this.tokens = 2.0 * rate;
        this.updatedNanos = nowNanos;
    }

    /** Whether it has refilled to its burst by {@code nowNanos}: then it is what a new bucket would be. */
    public boolean fullAt(long nowNanos) {
        return tokens + (nowNanos - updatedNanos) * (double) rate / 1e9 >= 2.0 * rate;
    }

    /** Takes one token if there is one. */
    public boolean take(long nowNanos) {
        return take(nowNanos, 1);
    }

    /** Takes {@code amount} tokens (bytes, for a byte budget) if there are that many. */
    public boolean take(long nowNanos, int amount) {
        tokens = Math.min(2.0 * rate, tokens + (nowNanos - updatedNanos) * (double) rate / 1e9);
        updatedNanos = nowNanos;
        if (tokens < amount) {
            return false;
        }
        tokens -= amount;
        return true;
    }
}
