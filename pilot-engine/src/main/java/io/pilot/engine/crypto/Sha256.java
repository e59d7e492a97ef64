package io.pilot.engine.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over one or more byte arrays, so callers hashing concatenations (as Noise's MixHash does)
 * need not build the concatenation first.
 */
public final class Sha256 {

    /** Digest length in bytes. */
    public static final int HASH_LENGTH = 32;

    private Sha256() {
    }

    /** Returns SHA-256 of the concatenation of {@code parts}. */
    public static byte[] hash(byte[]... parts) {
        MessageDigest digest = newDigest();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
