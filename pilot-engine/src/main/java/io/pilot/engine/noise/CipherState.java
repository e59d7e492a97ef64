package io.pilot.engine.noise;

import io.pilot.engine.crypto.PacketCipher;
import io.pilot.engine.crypto.Sodium;
import java.nio.ByteBuffer;

/**
 * Noise {@code CipherState} for the AESGCM cipher: a key {@code k} (possibly empty) and a nonce
 * {@code n} that increments after each successful encryption or decryption. Used for handshake
 * payloads and for in-order Noise transport messages.
 *
 * <p>The nonce is formatted as Noise AESGCM specifies (4 zero bytes, then {@code n} as 8-byte
 * big-endian), which is exactly {@link PacketCipher}'s layout and the one {@link Sodium#seal} builds.
 * Noise reserves {@code n = 2^64-1}; this implementation stops earlier, at
 * {@link PacketCipher#DEFAULT_COUNTER_LIMIT}, which no session reaches. Not thread-safe.
 *
 * <p>A handshake's keys each seal or open one or two payloads, so what a key costs to set up matters more than what
 * a payload costs: where libsodium has AES-256-GCM ({@link Sodium#hasAes256Gcm()}), it seals and opens from the raw
 * key (0.5 us a payload with the key expanded each time, {@code CryptoPrimitivesBenchmark}); elsewhere each key
 * borrows the thread's JDK {@code Cipher} ({@link PacketCipher#onThreadCipher}), whose {@code init} per payload costs
 * about 6 us. Same algorithm, nonce layout and tag either way.
 */
public final class CipherState {

    /** libsodium where it has AES-256-GCM, chosen once per process; null for the JDK. */
    private static final Sodium SODIUM = Sodium.system().filter(Sodium::hasAes256Gcm).orElse(null);

    private PacketCipher cipher;
    private byte[] key;
    private long nonce;

    /** Creates a CipherState with an empty key: encryption is the identity until a key is set. */
    public CipherState() {
    }

    /** Creates a CipherState holding {@code key} (32 bytes, copied) with nonce 0. */
    public CipherState(byte[] key) {
        initializeKey(key);
    }

    /** Noise {@code InitializeKey}: sets a 32-byte key (copied) and resets the nonce to 0. */
    public void initializeKey(byte[] key) {
        if (SODIUM != null) {
            if (key == null || key.length != PacketCipher.KEY_SIZE) {
                throw new IllegalArgumentException("AES-256-GCM key must be " + PacketCipher.KEY_SIZE + " bytes");
            }
            this.key = key.clone();
        } else {
            cipher = PacketCipher.onThreadCipher(key);
        }
        nonce = 0;
    }

    /** Noise {@code HasKey}. */
    public boolean hasKey() {
        return cipher != null || key != null;
    }

    /**
     * Noise {@code EncryptWithAd}: returns ciphertext plus 16-byte tag, or {@code plaintext}
     * unchanged if there is no key.
     *
     * @throws NoiseException if the nonce space is exhausted
     */
    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NoiseException {
        if (!hasKey()) {
            return plaintext.clone();
        }
        requireNonceAvailable();
        byte[] ciphertext = new byte[plaintext.length + PacketCipher.TAG_SIZE];
        if (key != null) {
            SODIUM.seal(key, nonce, ad, plaintext, ciphertext);
        } else {
            cipher.seal(nonce, ByteBuffer.wrap(ad), ByteBuffer.wrap(plaintext), ByteBuffer.wrap(ciphertext));
        }
        nonce++;
        return ciphertext;
    }

    /**
     * Noise {@code DecryptWithAd}: authenticates and decrypts, or returns {@code ciphertext}
     * unchanged if there is no key. On failure the nonce does not advance.
     *
     * @throws NoiseException if authentication fails, the input is shorter than a tag, or the
     *                        nonce space is exhausted
     */
    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws NoiseException {
        if (!hasKey()) {
            return ciphertext.clone();
        }
        requireNonceAvailable();
        if (ciphertext.length < PacketCipher.TAG_SIZE) {
            throw new NoiseException("ciphertext of " + ciphertext.length + " bytes is shorter than the AES-GCM tag");
        }
        byte[] plaintext = new byte[ciphertext.length - PacketCipher.TAG_SIZE];
        boolean authentic = key != null ? SODIUM.open(key, nonce, ad, ciphertext, plaintext)
                : cipher.open(nonce, ByteBuffer.wrap(ad), ByteBuffer.wrap(ciphertext), ByteBuffer.wrap(plaintext)) >= 0;
        if (!authentic) {
            throw new NoiseException("AES-GCM authentication failed");
        }
        nonce++;
        return plaintext;
    }

    /** This state as it is now, for {@link #restore}: a read that fails is undone with it. */
    Mark mark() {
        return new Mark(cipher, key, nonce);
    }

    /** Puts back what {@link #mark} saw. Keys are replaced, never changed in place, so the marked ones are intact. */
    void restore(Mark mark) {
        cipher = mark.cipher;
        key = mark.key;
        nonce = mark.nonce;
    }

    /** A {@link CipherState} as it was. */
    record Mark(PacketCipher cipher, byte[] key, long nonce) {
    }

    private void requireNonceAvailable() throws NoiseException {
        if (nonce >= PacketCipher.DEFAULT_COUNTER_LIMIT) {
            throw new NoiseException("Noise nonce space exhausted; rekey required");
        }
    }
}
