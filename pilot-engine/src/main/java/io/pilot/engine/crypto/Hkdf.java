package io.pilot.engine.crypto;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 and the HKDF variant defined in section 4.3 of the Noise Protocol Framework
 * (revision 34), which chains keys during a handshake.
 *
 * <p>Noise's HKDF is RFC 5869 HKDF with the chaining key as salt, an empty info string and
 * two or three 32-byte outputs: {@code tempKey = HMAC(chainingKey, ikm)},
 * {@code out1 = HMAC(tempKey, 0x01)}, {@code out(i) = HMAC(tempKey, out(i-1) || i)}.
 */
public final class Hkdf {

    private static final String HMAC_SHA256 = "HmacSHA256";
    /**
     * One {@link Mac} per thread, keyed afresh for each HMAC: {@code Mac.getInstance} costs about ten times an HMAC
     * of a handshake's few bytes ({@code CryptoPrimitivesBenchmark} in pilot-benchmarks), and each side of a
     * handshake takes 15.
     */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(Hkdf::newMac);

    private Hkdf() {
    }

    /** Returns HMAC-SHA256 under {@code key} over the concatenation of {@code parts}. */
    public static byte[] hmacSha256(byte[] key, byte[]... parts) {
        Mac mac = MACS.get();
        try {
            mac.init(new SecretKeySpec(key, HMAC_SHA256));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("not an HMAC key: " + e.getMessage(), e);
        }
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal(); // and resets it
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance(HMAC_SHA256);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 is mandatory in every JDK", e);
        }
    }

    /**
     * Noise {@code HKDF(chaining_key, input_key_material, num_outputs)}.
     *
     * @param chainingKey        32-byte chaining key
     * @param inputKeyMaterial   0 or 32 bytes (Noise uses 0-length input for Split and DH outputs otherwise)
     * @param outputs            2 or 3
     * @return {@code outputs} arrays of 32 bytes each
     */
    public static byte[][] derive(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
        if (outputs != 2 && outputs != 3) {
            throw new IllegalArgumentException("Noise HKDF produces 2 or 3 outputs, not " + outputs);
        }
        byte[] tempKey = hmacSha256(chainingKey, inputKeyMaterial);
        try {
            byte[][] result = new byte[outputs][];
            result[0] = hmacSha256(tempKey, new byte[] {1});
            for (int i = 1; i < outputs; i++) {
                result[i] = hmacSha256(tempKey, result[i - 1], new byte[] {(byte) (i + 1)});
            }
            return result;
        } finally {
            Arrays.fill(tempKey, (byte) 0);
        }
    }
}
