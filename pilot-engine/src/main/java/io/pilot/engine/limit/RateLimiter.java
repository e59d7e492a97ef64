package io.pilot.engine.limit;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@link TokenBucket} per key (a source address, a node), for at most {@code maxKeys} keys: past that the
 * key used least recently is forgotten, so a sender of many keys costs bounded memory (a forgotten key starts
 * again with a full burst, which is what a new key gets anyway). Not thread-safe, like the buckets it holds:
 * callers confine it to one thread or hold their own lock.
 *
 * @param <K> what the budget is kept per
 */
public final class RateLimiter<K> {

    private final int ratePerSecond;
    private final Map<K, TokenBucket> buckets;

    /**
     * @param ratePerSecond tokens each key earns a second (its burst is twice that)
     * @param maxKeys       how many keys are remembered at most
     */
    public RateLimiter(int ratePerSecond, int maxKeys) {
        if (ratePerSecond <= 0 || maxKeys <= 0) {
            throw new IllegalArgumentException("rate and key bound must be positive: " + ratePerSecond + ", " + maxKeys);
        }
        this.ratePerSecond = ratePerSecond;
        this.buckets = new LinkedHashMap<>(Math.min(maxKeys, 256), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, TokenBucket> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Takes one token from {@code key}'s budget if it has one. */
    public boolean tryAcquire(K key, long nowNanos) {
        return tryAcquire(key, nowNanos, 1);
    }

    /** Takes {@code amount} tokens (bytes, for a byte budget) from {@code key}'s budget if it has that many. */
    public boolean tryAcquire(K key, long nowNanos, int amount) {
        forgetRefilled(nowNanos);
        return buckets.computeIfAbsent(key, k -> new TokenBucket(ratePerSecond, nowNanos)).take(nowNanos, amount);
    }

    /**
     * Forgets the least recently used buckets that have refilled (up to two a call, so that forgetting keeps up with
     * remembering): a full bucket is what a key never seen gets, so no answer changes, and the limiter holds about
     * the keys active within one refill time instead of every key up to its bound (a backbone's registration budget
     * cost about 100 bytes per registered node before).
     */
    private void forgetRefilled(long nowNanos) {
        for (int i = 0; i < 2 && !buckets.isEmpty(); i++) {
            Iterator<TokenBucket> eldest = buckets.values().iterator();
            if (!eldest.next().fullAt(nowNanos)) {
                return;
            }
            eldest.remove();
        }
    }

    /** How many keys are remembered now. */
    public int size() {
        return buckets.size();
    }
}
