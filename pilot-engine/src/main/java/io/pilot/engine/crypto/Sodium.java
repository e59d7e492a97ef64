package io.pilot.engine.crypto;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libsodium's X25519 and Ed25519, called through JNA, where the system has the library (Debian: {@code libsodium23}).
 * Native code does the curves' arithmetic in about half the CPU of Bouncy Castle's pure Java on this machine
 * ({@code CryptoPrimitivesBenchmark} in pilot-benchmarks): X25519 agreement and Ed25519 verification about 2 times,
 * signing 1.5 to 2 times faster, the full key check of a key never met
 * 1.8 times. {@link X25519KeyPair} and {@link Ed25519} use it when {@link #system()} has it and
 * Bouncy Castle when not, with the same results: X25519 and Ed25519 signing are deterministic functions (RFC 7748,
 * RFC 8032), and {@link #verifies} accepts only what Bouncy Castle accepts too (see there), so {@link Ed25519}
 * answers as Bouncy Castle alone would.
 *
 * <p>System property {@value #LIBRARY_PROPERTY} names the library to load (default {@code sodium}, found as
 * {@code libsodium.so*} on the library path; {@code none} turns it off). A library that is absent, lacks a function
 * or computes a wrong answer to an RFC 7748 test vector at load is not used. Thread-safe: libsodium's functions are,
 * once {@code sodium_init} ran.
 */
public final class Sodium {

    /** The system property naming the library to load, or {@code none}. */
    public static final String LIBRARY_PROPERTY = "pilot.crypto.libsodium";

    private static final Logger log = LoggerFactory.getLogger(Sodium.class);
    private static final int KEY_SIZE = 32;
    private static final HexFormat HEX = HexFormat.of();
    private static final Sodium SYSTEM = loadLogged(System.getProperty(LIBRARY_PROPERTY, "sodium"));
    private static NativeLibrary bound;

    private final String version;
    private final boolean aes256Gcm;

    private Sodium(String version, boolean aes256Gcm) {
        this.version = version;
        this.aes256Gcm = aes256Gcm;
    }

    /** libsodium as the engine uses it, if the library {@value #LIBRARY_PROPERTY} names was loaded. */
    public static Optional<Sodium> system() {
        return Optional.ofNullable(SYSTEM);
    }

    /** Who does the engine's X25519 and Ed25519 arithmetic in this process, for reports and logs. */
    public static String curvesProvider() {
        return SYSTEM == null ? "Bouncy Castle (pure Java)" : "libsodium " + SYSTEM.version + " (native, JNA)";
    }

    /** Who seals and opens the Noise handshake's payloads in this process (AES-256-GCM), for reports and logs. */
    public static String handshakeAeadProvider() {
        return SYSTEM != null && SYSTEM.aes256Gcm ? "libsodium " + SYSTEM.version : "the JDK (PacketCipher)";
    }

    /** The process-wide instance for the engine's classes; null where libsodium is not used. */
    static Sodium orNull() {
        return SYSTEM;
    }

    /** {@link #load}, saying once which provider the process's curves run on: a missing library is slower, not wrong. */
    private static Sodium loadLogged(String library) {
        Sodium sodium = load(library);
        if (sodium != null) {
            log.debug("X25519 and Ed25519 on libsodium {}", sodium.version);
        } else {
            log.info("X25519 and Ed25519 on Bouncy Castle (pure Java, about half the speed): libsodium '{}' not used"
                    + " (absent, turned off by -D{}=none, or it failed its self-test)", library, LIBRARY_PROPERTY);
        }
        return sodium;
    }

    /**
     * Loads {@code library} and checks it, or returns null if it is absent, lacks a function, fails to initialise or
     * gives a wrong answer. JNA binds the functions to one library per process: after one load succeeded, a later
     * load of a present library returns an instance on that first one.
     */
    static synchronized Sodium load(String library) {
        if (library == null || library.isBlank() || library.equals("none")) {
            return null;
        }
        try {
            NativeLibrary found = NativeLibrary.getInstance(library);
            if (bound == null) {
                Native.register(Functions.class, found);
                bound = found;
            }
            if (Functions.sodium_init() < 0) {
                return null;
            }
            Sodium sodium = new Sodium(Functions.sodium_version_string(),
                    Functions.crypto_aead_aes256gcm_is_available() == 1);
            return sodium.answersRfc7748() ? sodium : null;
        } catch (LinkageError e) { // no such library or function, or JNA's own native part missing on this platform
            return null;
        }
    }

    /**
     * X25519 (RFC 7748) of {@code privateKey} and {@code peerPublic} into {@code shared}; false if the result is all
     * zeros (a small-order peer point), as Bouncy Castle's {@code calculateAgreement}.
     */
    public boolean x25519(byte[] privateKey, byte[] peerPublic, byte[] shared) {
        requireLength(privateKey, KEY_SIZE, "X25519 private key");
        requireLength(peerPublic, KEY_SIZE, "X25519 public key");
        requireLength(shared, KEY_SIZE, "X25519 shared secret");
        // libsodium refuses a small-order point (-1) before or after the ladder; either way the result is all zeros,
        // which is what Bouncy Castle refuses: same inputs refused, same secret otherwise.
        if (Functions.crypto_scalarmult_curve25519(shared, privateKey, peerPublic) != 0) {
            Arrays.fill(shared, (byte) 0);
            return false;
        }
        return true;
    }

    /** The X25519 public key of {@code privateKey} (the scalar times the base point), into {@code publicKey}. */
    public void x25519PublicKey(byte[] privateKey, byte[] publicKey) {
        requireLength(privateKey, KEY_SIZE, "X25519 private key");
        requireLength(publicKey, KEY_SIZE, "X25519 public key");
        if (Functions.crypto_scalarmult_curve25519_base(publicKey, privateKey) != 0) {
            throw new IllegalStateException("libsodium refused an X25519 base point multiplication");
        }
    }

    /**
     * Ed25519 (RFC 8032) signature of {@code message} by the 32-byte {@code seed} whose public key is {@code publicKey}
     * (libsodium hashes the key into the signature as given, as Bouncy Castle's sign with a given key does: a wrong
     * one yields a signature that does not verify). Deterministic: the same bytes as Bouncy Castle's.
     */
    public void sign(byte[] seed, byte[] publicKey, byte[] message, byte[] signature) {
        requireLength(seed, KEY_SIZE, "Ed25519 private key");
        requireLength(publicKey, KEY_SIZE, "Ed25519 public key");
        requireLength(signature, 2 * KEY_SIZE, "Ed25519 signature");
        byte[] secretKey = new byte[2 * KEY_SIZE]; // libsodium's form: seed, then public key
        System.arraycopy(seed, 0, secretKey, 0, KEY_SIZE);
        System.arraycopy(publicKey, 0, secretKey, KEY_SIZE, KEY_SIZE);
        try {
            Functions.crypto_sign_ed25519_detached(signature, null, message, message.length, secretKey);
        } finally {
            Arrays.fill(secretKey, (byte) 0);
        }
    }

    /**
     * Whether libsodium accepts {@code signature} of {@code message} by {@code publicKey}. Stricter than RFC 8032 and
     * Bouncy Castle, never looser: it also refuses a key or an R of small order and compares R by its bytes, so
     * what it accepts satisfies [S]B = R + [k]A exactly with S below the group order and A and R canonical, which
     * Bouncy Castle accepts too. {@link Ed25519} asks Bouncy Castle whenever this says no, so that signatures only
     * the looser rules accept still verify, exactly as before.
     */
    public boolean verifies(byte[] publicKey, byte[] message, byte[] signature) {
        return publicKey.length == KEY_SIZE && signature.length == 2 * KEY_SIZE
                && Functions.crypto_sign_ed25519_verify_detached(signature, message, message.length, publicKey) == 0;
    }

    /**
     * Whether {@code publicKey} encodes an Ed25519 point, canonically, not of small order and in the prime-order
     * subgroup: what Bouncy Castle's full key check accepts, computed natively ({@code crypto_core_ed25519_is_valid_point}).
     * {@link Ed25519} still asks Bouncy Castle when this says no, so the keys it accepts are Bouncy Castle's.
     */
    public boolean isValidEd25519Key(byte[] publicKey) {
        return publicKey.length == KEY_SIZE && Functions.crypto_core_ed25519_is_valid_point(publicKey) == 1;
    }

    /**
     * Whether this machine's libsodium has AES-256-GCM: it offers it only on a CPU with AES-NI and carry-less
     * multiplication, and {@link #seal} and {@link #open} may be called only where it does.
     */
    public boolean hasAes256Gcm() {
        return aes256Gcm;
    }

    /**
     * AES-256-GCM of {@code plaintext} under {@code key} with the nonce Noise's AESGCM and {@link PacketCipher} use
     * (4 zero bytes, then {@code nonce} big-endian) and {@code ad}: ciphertext then the 16-byte tag, into
     * {@code sealed} ({@code plaintext.length + 16} bytes). No key schedule is kept between calls: libsodium expands
     * the key each time in a fraction of what a JDK {@code Cipher.init} costs (0.5 against 6 us here), which is what a
     * key that seals one or two handshake payloads needs.
     */
    public void seal(byte[] key, long nonce, byte[] ad, byte[] plaintext, byte[] sealed) {
        requireAes256Gcm(key);
        requireLength(sealed, plaintext.length + PacketCipher.TAG_SIZE, "AES-256-GCM output");
        if (Functions.crypto_aead_aes256gcm_encrypt(sealed, null, plaintext, plaintext.length, ad, ad.length, null,
                nonce(nonce), key) != 0) {
            throw new IllegalStateException("libsodium refused an AES-256-GCM encryption");
        }
    }

    /**
     * Opens what {@link #seal} made: true and the plaintext in {@code plaintext} ({@code sealed.length - 16} bytes)
     * if the tag is right, false (and nothing written that matters) if not.
     */
    public boolean open(byte[] key, long nonce, byte[] ad, byte[] sealed, byte[] plaintext) {
        requireAes256Gcm(key);
        requireLength(plaintext, sealed.length - PacketCipher.TAG_SIZE, "AES-256-GCM plaintext");
        return Functions.crypto_aead_aes256gcm_decrypt(plaintext, null, null, sealed, sealed.length, ad, ad.length,
                nonce(nonce), key) == 0;
    }

    private void requireAes256Gcm(byte[] key) {
        if (!aes256Gcm) {
            throw new IllegalStateException("this machine's libsodium has no AES-256-GCM");
        }
        requireLength(key, KEY_SIZE, "AES-256-GCM key");
    }

    private static byte[] nonce(long counter) {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] = (byte) (counter >>> (8 * i));
        }
        return nonce;
    }

    private boolean answersRfc7748() {
        byte[] shared = new byte[KEY_SIZE];
        // RFC 7748 section 5.2, the second vector: its u has the top bit set, which X25519 must ignore
        return x25519(HEX.parseHex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                HEX.parseHex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"), shared)
                && HEX.formatHex(shared).equals("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    }

    private static void requireLength(byte[] bytes, int length, String what) {
        if (bytes == null || bytes.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes");
        }
    }

    /** libsodium's functions, bound by JNA's direct mapping (a JNI call each, no reflection per call). */
    private static final class Functions {

        static native int sodium_init();

        static native String sodium_version_string();

        static native int crypto_scalarmult_curve25519(byte[] q, byte[] n, byte[] p);

        static native int crypto_scalarmult_curve25519_base(byte[] q, byte[] n);

        static native int crypto_sign_ed25519_detached(byte[] sig, Pointer sigLength, byte[] message, long length,
                byte[] secretKey);

        static native int crypto_core_ed25519_is_valid_point(byte[] point);

        static native int crypto_aead_aes256gcm_is_available();

        static native int crypto_aead_aes256gcm_encrypt(byte[] sealed, Pointer sealedLength, byte[] plaintext,
                long plaintextLength, byte[] ad, long adLength, Pointer unused, byte[] nonce, byte[] key);

        static native int crypto_aead_aes256gcm_decrypt(byte[] plaintext, Pointer plaintextLength, Pointer unused,
                byte[] sealed, long sealedLength, byte[] ad, long adLength, byte[] nonce, byte[] key);

        static native int crypto_sign_ed25519_verify_detached(byte[] sig, byte[] message, long length, byte[] publicKey);
    }
}
