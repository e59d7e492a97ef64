package io.pilot.engine.noise;

import io.pilot.engine.crypto.Hkdf;
import io.pilot.engine.crypto.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Noise {@code SymmetricState} with SHA-256: the chaining key {@code ck}, the handshake hash
 * {@code h} and the {@link CipherState} that encrypts handshake payloads. Internal to
 * {@link HandshakeState}; not thread-safe.
 */
final class SymmetricState {

    private final CipherState cipherState = new CipherState();
    private byte[] chainingKey;
    private byte[] hash;

    /** Noise {@code InitializeSymmetric(protocol_name)}. */
    SymmetricState(String protocolName) {
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        hash = name.length <= Sha256.HASH_LENGTH ? Arrays.copyOf(name, Sha256.HASH_LENGTH) : Sha256.hash(name);
        chainingKey = hash.clone();
    }

    /** Noise {@code MixKey(input_key_material)}; zeroes the previous chaining key and the input. */
    void mixKey(byte[] inputKeyMaterial) {
        byte[][] derived = Hkdf.derive(chainingKey, inputKeyMaterial, 2);
        Arrays.fill(chainingKey, (byte) 0);
        Arrays.fill(inputKeyMaterial, (byte) 0);
        chainingKey = derived[0];
        cipherState.initializeKey(derived[1]);
        Arrays.fill(derived[1], (byte) 0);
    }

    /** Noise {@code MixHash(data)}. */
    void mixHash(byte[] data) {
        hash = Sha256.hash(hash, data);
    }

    boolean hasKey() {
        return cipherState.hasKey();
    }

    /** Noise {@code EncryptAndHash(plaintext)}. */
    byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
        byte[] ciphertext = cipherState.encryptWithAd(hash, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    /** Noise {@code DecryptAndHash(ciphertext)}. */
    byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
        byte[] plaintext = cipherState.decryptWithAd(hash, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    /** Noise {@code Split()}, returning the raw keys of the two CipherStates. */
    SplitKeys split() {
        byte[][] derived = Hkdf.derive(chainingKey, new byte[0], 2);
        return new SplitKeys(derived[0], derived[1]);
    }

    /** Returns a copy of the handshake hash {@code h}. */
    byte[] handshakeHash() {
        return hash.clone();
    }

    /**
     * This state as it is now, for {@link #restore}: the chaining key copied (mixing a key zeroes it in place), the
     * hash and the cipher's key as they are (both are replaced, never changed in place).
     */
    Mark mark() {
        return new Mark(chainingKey.clone(), hash, cipherState.mark());
    }

    /** Puts back what {@link #mark} saw. */
    void restore(Mark mark) {
        if (chainingKey != mark.chainingKey) {
            Arrays.fill(chainingKey, (byte) 0);
        }
        chainingKey = mark.chainingKey;
        hash = mark.hash;
        cipherState.restore(mark.cipher);
    }

    /** A {@link SymmetricState} as it was; {@link #forget} zeroes its copy of the chaining key once it is not needed. */
    record Mark(byte[] chainingKey, byte[] hash, CipherState.Mark cipher) {
        void forget() {
            Arrays.fill(chainingKey, (byte) 0);
        }
    }

    /** Zeroes the chaining key; the state must not be used afterwards. */
    void destroy() {
        Arrays.fill(chainingKey, (byte) 0);
    }
}
