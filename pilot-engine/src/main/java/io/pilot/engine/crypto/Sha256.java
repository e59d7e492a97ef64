package io.pilot.engine.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over one or more byte arrays, so callers hashing concatenations (as Noise's MixHash does)
 * need not build the concatenation first.
 *
 * <p>Each thread reuses one {@link MessageDigest}: looking the algorithm up in the providers costs several times
 * the hash of a handshake's few dozen bytes (the handshake hashes a dozen times per message;
 * {@code CryptoPrimitivesBenchmark} in pilot-benchmarks measures both).
 */
public final class Sha256 {

    /** Digest length in bytes. */
    public static final int HASH_LENGTH = 32;

    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(Sha256::newDigest);

    private Sha256() {
    }

    /** Returns SHA-256 of the concatenation of {@code parts}. */
    public static byte[] hash(byte[]... parts) {
        MessageDigest digest = DIGESTS.get();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest(); // and resets it for the thread's next hash
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
