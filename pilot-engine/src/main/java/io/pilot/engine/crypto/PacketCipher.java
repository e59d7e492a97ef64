package io.pilot.engine.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM under one key for ONE direction of a data channel, with an explicit 64-bit packet
 * counter as nonce (WireGuard discipline: the counter travels in the clear next to the ciphertext,
 * so packets may be decrypted out of order and the receiver can filter replays with a
 * {@link ReplayWindow}).
 *
 * <p><b>Nonce layout</b> (the Noise AESGCM layout, 96 bits): 4 zero bytes followed by the counter
 * as an 8-byte <em>big-endian</em> unsigned integer, i.e. {@code 00 00 00 00 c7 c6 c5 c4 c3 c2 c1 c0}
 * where {@code c7} is the most significant byte. The tag is 16 bytes and is appended to the
 * ciphertext.
 *
 * <p><b>Nonce uniqueness.</b> Counters are in {@code [0, counterLimit)}. On the sending side
 * {@link #nextCounter()} hands out each counter exactly once and throws once the limit is reached,
 * so a nonce is never reused under this key; the session must rekey before that.
 *
 * <p><b>Failure reporting.</b> {@link #seal} throws on misuse. {@link #open} is the receive hot path
 * for attacker-controlled input and reports authentication failure by returning {@code -1}; nothing
 * decrypted is left in the output buffer then.
 *
 * <p><b>Threading.</b> Not thread-safe: one JDK {@link Cipher} (hardware accelerated AES-GCM) is
 * reused and re-initialised per packet, so an instance must be confined to one thread (e.g. one
 * Netty event loop).
 *
 * <p><b>Why a re-initialisation per packet.</b> GCM needs a new nonce per packet and the JDK's {@code Cipher}
 * takes one only in {@code init} (which also refuses a key and nonce pair it has just encrypted with); the
 * key schedule is kept across inits. Measured here (JDK 17, docs/ARCHITECTURE.md): the init costs about 1 KB of
 * short-lived objects and half the time of sealing a 100-byte packet whatever the buffer API; BouncyCastle's
 * GCM, which can re-key without allocating, is 4-16 times slower here (no AES-NI/CLMUL intrinsics); Conscrypt's (BoringSSL
 * through JNI) allocates a sixth as much per seal and open but took more CPU for them (1.06 against 0.77-1.10 µs at 100
 * bytes, 1.74 against 1.19 µs at 1,200), and the init is a small part of what a packet costs the event loop next to its
 * system calls (docs/ARCHITECTURE.md). What is left to
 * choose is the buffers: {@link #sealInPlace}/{@link #openInPlace} on arrays allocate least and run fastest;
 * direct buffers are slowest (the JDK copies them through arrays).
 *
 * <p><b>Keys for a few messages.</b> A Noise handshake derives a key per DH and seals or opens one or two payloads
 * under each: {@link #onThreadCipher} makes such a key without a {@code Cipher} of its own (looking one up costs
 * more than the sealing, {@code CryptoPrimitivesBenchmark}); it borrows the calling thread's for each operation.
 */
public final class PacketCipher {

    /** AES-256 key length in bytes. */
    public static final int KEY_SIZE = 32;
    /** GCM authentication tag length in bytes. */
    public static final int TAG_SIZE = 16;
    /**
     * Default exclusive upper bound of counters: 2^60 packets, far beyond any session's rekey
     * interval, yet leaving the counter space comfortably inside a signed {@code long}.
     */
    public static final long DEFAULT_COUNTER_LIMIT = 1L << 60;

    private static final int NONCE_SIZE = 12;
    private static final int TAG_BITS = TAG_SIZE * Byte.SIZE;

    /** The Cipher of each thread for the keys made by {@link #onThreadCipher}. */
    private static final ThreadLocal<Cipher> THREAD_CIPHERS = ThreadLocal.withInitial(PacketCipher::newCipher);

    private final SecretKeySpec key;
    /** This key's own Cipher, or null when it borrows the thread's. */
    private final Cipher ownCipher;
    private final byte[] nonce = new byte[NONCE_SIZE];
    private final long counterLimit;
    private long nextCounter;

    /** Creates a cipher with {@link #DEFAULT_COUNTER_LIMIT}; {@code key} is copied. */
    public PacketCipher(byte[] key) {
        this(key, DEFAULT_COUNTER_LIMIT);
    }

    /**
     * Creates a cipher whose counters must stay below {@code counterLimit}; {@code key} is copied
     * and may be zeroed by the caller afterwards.
     */
    public PacketCipher(byte[] key, long counterLimit) {
        this(key, counterLimit, true);
    }

    /**
     * A key with {@link #DEFAULT_COUNTER_LIMIT} for a few messages (a Noise handshake's payloads), which uses the
     * calling thread's {@code Cipher} for each seal or open instead of one of its own: it costs no {@code Cipher}
     * lookup to make, and each operation re-keys the thread's {@code Cipher}, which a packet stream under one key
     * should not pay for. Confined to one thread at a time, as every instance.
     */
    public static PacketCipher onThreadCipher(byte[] key) {
        return new PacketCipher(key, DEFAULT_COUNTER_LIMIT, false);
    }

    private PacketCipher(byte[] key, long counterLimit, boolean ownCipher) {
        if (key == null || key.length != KEY_SIZE) {
            throw new IllegalArgumentException("AES-256-GCM key must be " + KEY_SIZE + " bytes");
        }
        if (counterLimit <= 0) {
            throw new IllegalArgumentException("counter limit must be positive: " + counterLimit);
        }
        this.key = new SecretKeySpec(key, "AES");
        this.counterLimit = counterLimit;
        this.ownCipher = ownCipher ? newCipher() : null;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is mandatory in every JDK", e);
        }
    }

    /**
     * Returns the next unused sending counter, strictly increasing from 0.
     *
     * @throws IllegalStateException once {@code counterLimit} counters have been handed out
     */
    public long nextCounter() {
        if (nextCounter >= counterLimit) {
            throw new IllegalStateException("packet counter exhausted after " + counterLimit + " packets; rekey required");
        }
        return nextCounter++;
    }

    /**
     * Encrypts {@code plaintext} with nonce {@code counter}, authenticating {@code aad} too, and
     * writes ciphertext followed by the tag to {@code out}. Positions of {@code aad} and
     * {@code plaintext} advance to their limits, {@code out}'s by the returned length. {@code out}
     * may share memory with {@code plaintext} (in-place encryption).
     *
     * @param counter a counter obtained from {@link #nextCounter()}; never pass the same one twice
     * @param aad     additional authenticated data, or {@code null} for none
     * @return the number of bytes written: {@code plaintext.remaining() + TAG_SIZE}
     * @throws IllegalArgumentException if the counter is out of range or {@code out} is too small
     */
    public int seal(long counter, ByteBuffer aad, ByteBuffer plaintext, ByteBuffer out) {
        if (counter < 0 || counter >= counterLimit) {
            throw new IllegalArgumentException("counter out of range: " + counter);
        }
        int length = plaintext.remaining() + TAG_SIZE;
        if (out.remaining() < length) {
            throw new IllegalArgumentException("output needs " + length + " bytes, has " + out.remaining());
        }
        try {
            Cipher cipher = init(Cipher.ENCRYPT_MODE, counter);
            if (aad != null) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(plaintext, out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Authenticates and decrypts {@code ciphertext} (ciphertext followed by the tag) sealed with
     * nonce {@code counter} and {@code aad}, writing the plaintext to {@code out}. On success the
     * positions of {@code aad} and {@code ciphertext} advance to their limits and {@code out}'s by
     * the returned length. On failure {@code out}'s position is unchanged and the bytes it may have
     * received are zeroed.
     *
     * @param aad additional authenticated data, or {@code null} for none
     * @return the plaintext length, or {@code -1} if the counter is out of range, the input is
     *         shorter than a tag, or authentication fails
     * @throws IllegalArgumentException if {@code out} cannot hold the plaintext (a caller bug)
     */
    public int open(long counter, ByteBuffer aad, ByteBuffer ciphertext, ByteBuffer out) {
        int length = ciphertext.remaining() - TAG_SIZE;
        if (counter < 0 || counter >= counterLimit || length < 0) {
            return -1;
        }
        if (out.remaining() < length) {
            throw new IllegalArgumentException("output needs " + length + " bytes, has " + out.remaining());
        }
        int start = out.position();
        try {
            Cipher cipher = init(Cipher.DECRYPT_MODE, counter);
            if (aad != null) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(ciphertext, out);
        } catch (AEADBadTagException e) {
            for (int i = start; i < start + length; i++) {
                out.put(i, (byte) 0);
            }
            out.position(start);
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    /**
     * Seals in place: the {@code length} bytes of plaintext at {@code offset} in {@code array} become the
     * ciphertext followed by the tag, so {@code array} needs {@link #TAG_SIZE} bytes after them; the
     * {@code aadLength} bytes at {@code aadOffset} are authenticated too. On arrays and in place the JDK's AES-GCM
     * runs fastest and allocates least (no second buffer, no copy of the input it keeps when buffers overlap).
     *
     * @param counter a counter obtained from {@link #nextCounter()}; never pass the same one twice
     * @return the number of bytes sealed: {@code length + TAG_SIZE}
     * @throws IllegalArgumentException if the counter is out of range or a range lies outside {@code array}
     */
    public int sealInPlace(long counter, byte[] array, int aadOffset, int aadLength, int offset, int length) {
        if (counter < 0 || counter >= counterLimit) {
            throw new IllegalArgumentException("counter out of range: " + counter);
        }
        checkRange(array, aadOffset, aadLength);
        checkRange(array, offset, length + TAG_SIZE);
        try {
            Cipher cipher = init(Cipher.ENCRYPT_MODE, counter);
            cipher.updateAAD(array, aadOffset, aadLength);
            return cipher.doFinal(array, offset, length, array, offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Opens in place what {@link #sealInPlace} (or {@link #seal}) sealed: the {@code length} bytes at {@code offset}
     * (ciphertext followed by the tag) are authenticated with the {@code aadLength} bytes at {@code aadOffset} and
     * become the plaintext, at {@code offset}. On failure the range is zeroed, so nothing unauthenticated is left.
     *
     * @return the plaintext length ({@code length - TAG_SIZE}), or {@code -1} if the counter is out of range, the
     *         input is shorter than a tag, or authentication fails
     * @throws IllegalArgumentException if a range lies outside {@code array} (a caller bug)
     */
    public int openInPlace(long counter, byte[] array, int aadOffset, int aadLength, int offset, int length) {
        checkRange(array, aadOffset, aadLength);
        checkRange(array, offset, length);
        if (counter < 0 || counter >= counterLimit || length < TAG_SIZE) {
            return -1;
        }
        try {
            Cipher cipher = init(Cipher.DECRYPT_MODE, counter);
            cipher.updateAAD(array, aadOffset, aadLength);
            return cipher.doFinal(array, offset, length, array, offset);
        } catch (AEADBadTagException e) {
            Arrays.fill(array, offset, offset + length, (byte) 0);
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    private static void checkRange(byte[] array, int offset, int length) {
        if (offset < 0 || length < 0 || offset > array.length - length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside " + array.length + " bytes");
        }
    }

    /** The Cipher initialised for {@code mode} under this key with nonce {@code counter}. */
    private Cipher init(int mode, long counter) throws GeneralSecurityException {
        for (int i = 0; i < Long.BYTES; i++) {
            nonce[NONCE_SIZE - 1 - i] = (byte) (counter >>> (8 * i));
        }
        GCMParameterSpec parameters = new GCMParameterSpec(TAG_BITS, nonce);
        if (ownCipher != null) {
            ownCipher.init(mode, key, parameters);
            return ownCipher;
        }
        Cipher cipher = THREAD_CIPHERS.get();
        try {
            cipher.init(mode, key, parameters);
        } catch (InvalidAlgorithmParameterException e) {
            // The thread's Cipher last encrypted under this very key and nonce for another instance (only equal DH
            // outputs make equal keys: replayed test vectors). Each instance's counters are its caller's to keep
            // unique, as with a Cipher of its own, which would never have seen the other's: give it a fresh one.
            cipher = newCipher();
            THREAD_CIPHERS.set(cipher);
            cipher.init(mode, key, parameters);
        }
        return cipher;
    }
}
