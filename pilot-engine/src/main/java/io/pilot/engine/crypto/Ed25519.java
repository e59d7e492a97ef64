package io.pilot.engine.crypto;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint;

/**
 * Ed25519 (RFC 8032, pure variant) signatures, which bind an agent's long-term identity to what it
 * says.
 *
 * <p>Private keys are the RFC 8032 32-byte seeds. Signing and verifying run on libsodium where the system has it
 * ({@link Sodium}), else on BouncyCastle's low-level RFC 8032 code, which also generates and checks keys. The answers
 * are Bouncy Castle's either way: signing is deterministic, and a signature libsodium's stricter rules refuse is
 * verified again by Bouncy Castle, so what verifies does not depend on the library. {@link #verify} is meant for
 * untrusted input: it returns {@code false} rather than throwing on any malformed key or signature.
 */
public final class Ed25519 {

    /** Length in bytes of a private key (seed). */
    public static final int PRIVATE_KEY_SIZE = 32;
    /** Length in bytes of a public key. */
    public static final int PUBLIC_KEY_SIZE = 32;
    /** Length in bytes of a signature. */
    public static final int SIGNATURE_SIZE = 64;

    /** libsodium, or null for Bouncy Castle alone: chosen once per process ({@link Sodium#system()}). */
    private static final Sodium SODIUM = Sodium.orNull();

    private Ed25519() {
    }

    /** Generates a fresh 32-byte private key (seed) from {@code random}. */
    public static byte[] generatePrivateKey(SecureRandom random) {
        byte[] privateKey = new byte[PRIVATE_KEY_SIZE];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePrivateKey(random, privateKey);
        return privateKey;
    }

    /** Derives the 32-byte public key of a 32-byte private key. */
    public static byte[] publicKey(byte[] privateKey) {
        requirePrivateKey(privateKey);
        byte[] publicKey = new byte[PUBLIC_KEY_SIZE];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(privateKey, 0, publicKey, 0);
        return publicKey;
    }

    /** Signs {@code message} with a 32-byte private key and returns the 64-byte signature. */
    public static byte[] sign(byte[] privateKey, byte[] message) {
        return sign(privateKey, publicKey(privateKey), message);
    }

    /**
     * Signs {@code message} with a 32-byte private key whose 32-byte public key the caller already holds: half
     * the work of {@link #sign(byte[], byte[])}, which derives the public key (a scalar multiplication) first.
     * The public key must be the private key's: a wrong one yields a signature that does not verify.
     */
    public static byte[] sign(byte[] privateKey, byte[] publicKey, byte[] message) {
        requirePrivateKey(privateKey);
        if (publicKey == null || publicKey.length != PUBLIC_KEY_SIZE) {
            throw new IllegalArgumentException("Ed25519 public key must be " + PUBLIC_KEY_SIZE + " bytes");
        }
        byte[] signature = new byte[SIGNATURE_SIZE];
        if (SODIUM != null) {
            SODIUM.sign(privateKey, publicKey, message, signature);
        } else {
            org.bouncycastle.math.ec.rfc8032.Ed25519.sign(privateKey, 0, publicKey, 0, message, 0, message.length,
                    signature, 0);
        }
        return signature;
    }

    /**
     * Returns whether {@code signature} is a valid signature of {@code message} by {@code publicKey}.
     * Never throws: null or wrongly sized arguments and invalid points yield {@code false}.
     */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || publicKey.length != PUBLIC_KEY_SIZE
                || signature == null || signature.length != SIGNATURE_SIZE || message == null) {
            return false;
        }
        return SODIUM != null && SODIUM.verifies(publicKey, message, signature)
                || org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    }

    /** Whether {@code publicKey} is the encoding of a point on the curve (and not of small order). */
    public static boolean isValidPublicKey(byte[] publicKey) {
        return publicKey != null && publicKey.length == PUBLIC_KEY_SIZE
                && (SODIUM != null && SODIUM.isValidEd25519Key(publicKey)
                        || org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(publicKey, 0));
    }

    /**
     * Checks {@code publicKey} as {@link #isValidPublicKey} does and keeps it decoded, or returns null if it is not
     * valid. For a key checked and then used to verify: {@link #verify} decodes the key each time, about a tenth of
     * a verification's cost ({@code CryptoPrimitivesBenchmark} in pilot-benchmarks).
     */
    public static CheckedKey checkedKey(byte[] publicKey) {
        if (publicKey == null || publicKey.length != PUBLIC_KEY_SIZE) {
            return null;
        }
        if (SODIUM != null && SODIUM.isValidEd25519Key(publicKey)) {
            return new CheckedKey(publicKey.clone(), null); // decoded for Bouncy Castle only if ever needed
        }
        PublicPoint point = org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFullExport(publicKey, 0);
        return point == null ? null : new CheckedKey(publicKey.clone(), point);
    }

    /** A public key that passed the full check (a curve point, not of small order), kept for verifications. */
    public static final class CheckedKey {

        private final byte[] encoded;
        /**
         * Bouncy Castle's decoding, for its verification; null until needed where libsodium checked the key (it then
         * verifies most signatures alone). Computed at most a few times by racing threads, each the same immutable
         * point.
         */
        private PublicPoint point;

        private CheckedKey(byte[] encoded, PublicPoint point) {
            this.encoded = encoded;
            this.point = point;
        }

        /** As {@link Ed25519#verify}, with this key: never throws, false for a malformed signature. */
        public boolean verify(byte[] message, byte[] signature) {
            if (signature == null || signature.length != SIGNATURE_SIZE || message == null) {
                return false;
            }
            // libsodium first where present (about twice as fast); Bouncy Castle, on the decoded key, when it says no
            return SODIUM != null && SODIUM.verifies(encoded, message, signature)
                    || org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, point(), message, 0, message.length);
        }

        private PublicPoint point() {
            PublicPoint decoded = point;
            if (decoded == null) {
                // the key passed the full check: decoding it (the partial check) gives the full check's point
                decoded = org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartialExport(encoded, 0);
                point = decoded;
            }
            return decoded;
        }
    }

    private static void requirePrivateKey(byte[] privateKey) {
        if (privateKey == null || privateKey.length != PRIVATE_KEY_SIZE) {
            throw new IllegalArgumentException("Ed25519 private key must be " + PRIVATE_KEY_SIZE + " bytes");
        }
    }
}
