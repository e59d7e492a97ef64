package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless cookies for a responder under load: {@code HMAC-SHA256(secret, ip | port)} truncated to
 * 16 bytes for an initiation that came directly, {@code HMAC-SHA256(secret, realm u16 | node u48)} for one
 * that came through the relay (the source the relay claims; the cookie goes back through the relay to it). The secret rotates every two minutes; a cookie made with the previous secret is still
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

    byte[] cookieFor(Route source, long now) {
        rotateIfDue(now);
        return compute(current, source);
    }

    boolean isValid(byte[] cookie, Route source, long now) {
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

    private byte[] compute(byte[] secret, Route source) {
        try {
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        if (source.isRelayed()) {
            // 8 bytes: never the 6 or 18 of an endpoint, so a relayed cookie is never valid for a direct source.
            PilotAddress claimed = source.relayed();
            mac.update(ByteBuffer.allocate(8).putShort((short) claimed.realm()).putShort((short) (claimed.node() >>> 32))
                    .putInt((int) claimed.node()).array());
        } else {
            InetSocketAddress endpoint = source.direct();
            mac.update(endpoint.getAddress().getAddress());
            mac.update((byte) (endpoint.getPort() >>> 8));
            mac.update((byte) endpoint.getPort());
        }
        return Arrays.copyOf(mac.doFinal(), 16);
    }
}
