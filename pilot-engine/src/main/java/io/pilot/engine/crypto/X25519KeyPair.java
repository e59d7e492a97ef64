package io.pilot.engine.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 (RFC 7748) Diffie-Hellman key pair, the DH function of the Pilot Noise handshake.
 *
 * <p>Computed by libsodium where the system has it ({@link Sodium}), else by BouncyCastle's low-level RFC 7748
 * code (much faster than the JDK's XDH provider); both give the same keys and secrets. {@link #agree} refuses an all-zero shared secret, which a peer can only force by
 * sending a low-order point. Call {@link #destroy()} to zero the private key once it is no longer
 * needed. Instances are immutable apart from {@link #destroy()} and safe to share between threads.
 */
public final class X25519KeyPair {

    /** Length in bytes of private keys, public keys and shared secrets. */
    public static final int KEY_SIZE = 32;

    /** libsodium, or null for Bouncy Castle: chosen once per process ({@link Sodium#system()}). */
    private static final Sodium SODIUM = Sodium.orNull();

    private final byte[] privateKey;
    private final byte[] publicKey;
    private volatile boolean destroyed;

    private X25519KeyPair(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new byte[KEY_SIZE];
        if (SODIUM != null) {
            SODIUM.x25519PublicKey(privateKey, publicKey);
        } else {
            X25519.generatePublicKey(privateKey, 0, publicKey, 0);
        }
    }

    /** Generates a fresh key pair from {@code random}. */
    public static X25519KeyPair generate(SecureRandom random) {
        byte[] privateKey = new byte[KEY_SIZE];
        X25519.generatePrivateKey(random, privateKey);
        return new X25519KeyPair(privateKey);
    }

    /**
     * Rebuilds a key pair from a 32-byte private key (clamping is applied during scalar
     * multiplication, so unclamped keys such as the Noise test vectors' are accepted). The input is copied.
     */
    public static X25519KeyPair fromPrivateKey(byte[] privateKey) {
        if (privateKey == null || privateKey.length != KEY_SIZE) {
            throw new IllegalArgumentException("X25519 private key must be " + KEY_SIZE + " bytes");
        }
        return new X25519KeyPair(privateKey.clone());
    }

    /** Returns a copy of the 32-byte public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * Computes the X25519 shared secret with {@code peerPublic}.
     *
     * @return a new 32-byte shared secret
     * @throws IllegalArgumentException if {@code peerPublic} is not 32 bytes or the result is all
     *                                  zeros (a low-order peer point)
     * @throws IllegalStateException    if this key pair was destroyed
     */
    public byte[] agree(byte[] peerPublic) {
        if (peerPublic == null || peerPublic.length != KEY_SIZE) {
            throw new IllegalArgumentException("X25519 public key must be " + KEY_SIZE + " bytes");
        }
        if (destroyed) {
            throw new IllegalStateException("X25519 key pair was destroyed");
        }
        byte[] shared = new byte[KEY_SIZE];
        boolean agreed = SODIUM != null ? SODIUM.x25519(privateKey, peerPublic, shared)
                : X25519.calculateAgreement(privateKey, 0, peerPublic, 0, shared, 0);
        if (!agreed) {
            throw new IllegalArgumentException("X25519 shared secret is all zeros: peer sent a low-order point");
        }
        return shared;
    }

    /** Zeroes the private key; {@link #agree} fails afterwards. The public key stays readable. */
    public void destroy() {
        destroyed = true;
        Arrays.fill(privateKey, (byte) 0);
    }
}
