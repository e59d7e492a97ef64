/**
 * Rate limits, a leaf that imports nothing of Pilot: a {@link io.pilot.engine.limit.TokenBucket} and a
 * bounded {@link io.pilot.engine.limit.RateLimiter} of buckets per key, used against floods at every layer
 * that answers strangers (STUN, handshakes, relay, the directory service).
 */
package io.pilot.engine.limit;
