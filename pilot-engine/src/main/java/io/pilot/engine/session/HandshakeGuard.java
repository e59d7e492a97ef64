package io.pilot.engine.session;

import io.pilot.engine.limit.RateLimiter;
import io.pilot.engine.limit.SourcePrefix;
import io.pilot.engine.wire.DropReason;

import java.security.SecureRandom;

/**
 * Decides whether a handshake initiation gets any work spent on it (a DH, a half-open responder). Cheap,
 * bounded in memory, and built so that initiations spoofing a victim's source cannot spend the victim's
 * budget:
 * <ol>
 * <li><b>Under load</b> only initiations carrying a valid {@link CookieJar cookie} proceed; the others get a
 *     cookie reply and cost no state. The node is under load while its half-open table is crowded (the
 *     caller says so: {@link Responders#crowded}) or more than {@code cookieThreshold} initiations arrived in
 *     the current one-second window.</li>
 * <li>An initiation with a valid cookie proved it receives at its source: it is charged to that source's
 *     <em>verified</em> budget ({@code handshakesPerSecondPerSource}, burst twice that) and dropped as
 *     {@code RATE_LIMITED} past it. A spoofer never holds the victim's cookie, so it cannot spend this
 *     budget.</li>
 * <li>Without a cookie and not under load, the initiation is charged to the source's <em>unverified</em>
 *     budget (same rate); past it the source is asked for a cookie instead of being refused, so spoofed
 *     initiations that empty it only cost the real owner of the address one more round trip.</li>
 * </ol>
 * A source is an IPv4 address or an IPv6 /64 ({@link SourcePrefix}); a relayed initiation's source is the
 * node address the relay claims, judged by a guard of its own (its own budgets and cookie secret). At most
 * {@value #MAX_SOURCES} sources are remembered per budget (least recently seen forgotten first). Confined to
 * the event loop.
 */
final class HandshakeGuard {

    static final int MAX_SOURCES = 10_000;
    private static final long WINDOW_NANOS = 1_000_000_000L;

    /** What to do with an initiation. */
    enum Verdict {
        PROCEED, SEND_COOKIE, DROP
    }

    private final SessionSettings settings;
    private final CookieJar cookies;
    private final RateLimiter<Object> verified;
    private final RateLimiter<Object> unverified;
    private long windowStart;
    private int initiationsThisWindow;
    private DropReason lastDrop;

    HandshakeGuard(SessionSettings settings, SecureRandom random, long now) {
        this.settings = settings;
        this.cookies = new CookieJar(random, now);
        this.verified = new RateLimiter<>(settings.handshakesPerSecondPerSource(), MAX_SOURCES);
        this.unverified = new RateLimiter<>(settings.handshakesPerSecondPerSource(), MAX_SOURCES);
        this.windowStart = now;
    }

    /**
     * @param crowded whether the half-open table this initiation would go into is crowded
     */
    Verdict admit(Route from, byte[] cookie, boolean hasCookie, boolean crowded, long now) {
        if (now - windowStart >= WINDOW_NANOS) {
            windowStart = now;
            initiationsThisWindow = 0;
        }
        initiationsThisWindow++;
        Object source = sourceOf(from);
        if (hasCookie && cookies.isValid(cookie, from, now)) {
            if (verified.tryAcquire(source, now)) {
                return Verdict.PROCEED;
            }
            lastDrop = DropReason.RATE_LIMITED;
            return Verdict.DROP;
        }
        boolean underLoad = crowded || initiationsThisWindow > settings.cookieThreshold();
        if (!underLoad && unverified.tryAcquire(source, now)) {
            return Verdict.PROCEED;
        }
        lastDrop = DropReason.COOKIE_REQUIRED;
        return Verdict.SEND_COOKIE;
    }

    byte[] cookieFor(Route from, long now) {
        return cookies.cookieFor(from, now);
    }

    /** The reason behind the last DROP or SEND_COOKIE verdict. */
    DropReason lastDrop() {
        return lastDrop;
    }

    /** What a budget is kept per: the claimed node behind the relay, else the source's address or /64. */
    private static Object sourceOf(Route from) {
        return from.isRelayed() ? from.relayed() : SourcePrefix.of(from.direct().getAddress());
    }
}
