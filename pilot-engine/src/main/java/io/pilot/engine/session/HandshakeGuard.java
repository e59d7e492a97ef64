package io.pilot.engine.session;

import io.pilot.engine.limit.RateLimiter;
import io.pilot.engine.wire.DropReason;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

/**
 * Decides whether a handshake initiation gets any work spent on it. Two defences, both cheap and
 * bounded in memory:
 * <ol>
 * <li>a token bucket per source IP address ({@code handshakesPerSecondPerSource}, burst twice that),
 *     kept for at most {@value #MAX_SOURCES} sources (least recently seen forgotten first);</li>
 * <li>above {@code cookieThreshold} initiations per second in total, the node is "under load" and only
 *     initiations carrying a valid {@link CookieJar cookie} proceed; the others get a cookie reply.</li>
 * </ol>
 * Confined to the event loop.
 */
final class HandshakeGuard {

    static final int MAX_SOURCES = 10_000;

    /** What to do with an initiation. */
    enum Verdict {
        PROCEED, SEND_COOKIE, DROP
    }

    private final SessionSettings settings;
    private final CookieJar cookies;
    private final RateLimiter<InetAddress> buckets;
    private long windowStart;
    private int initiationsThisWindow;
    private DropReason lastDrop;

    HandshakeGuard(SessionSettings settings, SecureRandom random, long now) {
        this.settings = settings;
        this.cookies = new CookieJar(random, now);
        this.buckets = new RateLimiter<>(settings.handshakesPerSecondPerSource(), MAX_SOURCES);
        this.windowStart = now;
    }

    Verdict admit(InetSocketAddress source, byte[] cookie, boolean hasCookie, long now) {
        if (!buckets.tryAcquire(source.getAddress(), now)) {
            lastDrop = DropReason.RATE_LIMITED;
            return Verdict.DROP;
        }
        if (now - windowStart >= 1_000_000_000L) {
            windowStart = now;
            initiationsThisWindow = 0;
        }
        initiationsThisWindow++;
        if (initiationsThisWindow <= settings.cookieThreshold()) {
            return Verdict.PROCEED;
        }
        if (hasCookie && cookies.isValid(cookie, source, now)) {
            return Verdict.PROCEED;
        }
        lastDrop = DropReason.COOKIE_REQUIRED;
        return Verdict.SEND_COOKIE;
    }

    byte[] cookieFor(InetSocketAddress source, long now) {
        return cookies.cookieFor(source, now);
    }

    /** The reason behind the last DROP or SEND_COOKIE verdict. */
    DropReason lastDrop() {
        return lastDrop;
    }

    int trackedSources() {
        return buckets.size();
    }
}
