package io.pilot.engine.session;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless cookies for a responder under load: {@code HMAC-SHA256(secret, ip | port)} truncated to
 * 16 bytes. The secret rotates every two minutes; a cookie made with the previous secret is still
 * accepted, so a cookie stays valid for at least one rotation period. Holding a valid cookie proves the
 * initiator receives datagrams at its source address, which defeats floods from spoofed sources without
 * the responder keeping any state. Confined to the event loop.
 */
final class CookieJar {

    static final long ROTATION_NANOS = 120_000_000_000L;

    private final SecureRandom random;
    private final Mac mac;
    private byte[] current = new byte[32];
    private byte[] previous = new byte[32];
    private long rotatedAt;

    CookieJar(SecureRandom random, long now) {
        this.random = random;
        try {
            this.mac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
        random.nextBytes(current);
        random.nextBytes(previous);
        rotatedAt = now;
    }

    byte[] cookieFor(InetSocketAddress source, long now) {
        rotateIfDue(now);
        return compute(current, source);
    }

    boolean isValid(byte[] cookie, InetSocketAddress source, long now) {
        rotateIfDue(now);
        return MessageDigest.isEqual(cookie, compute(current, source))
                || MessageDigest.isEqual(cookie, compute(previous, source));
    }

    private void rotateIfDue(long now) {
        long age = now - rotatedAt;
        if (age < ROTATION_NANOS) {
            return;
        }
        // After two idle periods the previous secret is too old to honour as well.
        previous = age >= 2 * ROTATION_NANOS ? fresh() : current;
        current = fresh();
        rotatedAt = now;
    }

    private byte[] fresh() {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return secret;
    }

    private byte[] compute(byte[] secret, InetSocketAddress source) {
        try {
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        mac.update(source.getAddress().getAddress());
        mac.update((byte) (source.getPort() >>> 8));
        mac.update((byte) source.getPort());
        return Arrays.copyOf(mac.doFinal(), 16);
    }
}
