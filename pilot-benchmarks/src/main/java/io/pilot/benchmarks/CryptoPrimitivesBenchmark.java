package io.pilot.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import io.pilot.engine.crypto.PacketCipher;
import io.pilot.engine.crypto.Sodium;
import io.pilot.engine.crypto.X25519KeyPair;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.noise.HandshakeState;
import io.pilot.engine.noise.NoiseException;
import io.pilot.engine.session.IdentityProof;
import io.pilot.engine.wire.WireFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The handshake's primitives, one provider against another, without JMH: each timed loop runs the operation
 * for a fixed time after a warm-up, several rounds, and prints the best round's microseconds of the thread's CPU
 * per operation (CPU time and the best round, because the machine is shared and a round's worst is other people's
 * work). What the engine
 * uses was chosen from this table (docs/ARCHITECTURE.md, crypto): libsodium (where the system has it) against
 * BouncyCastle's low-level RFC 7748/8032 code against the JDK's SunEC XDH and EdDSA providers, JDK against
 * BouncyCastle SHA-256 and HMAC. The last row, the whole handshake, runs on whichever the engine chose; run it with
 * {@code -Dpilot.crypto.libsodium=none} for Bouncy Castle.
 *
 * <pre>
 * java -cp ... io.pilot.benchmarks.CryptoPrimitivesBenchmark [milliseconds per round, default 300]
 * </pre>
 * {@code bin/bench} runs it with section 3 (handshakes), and {@code docs/benchmarks.md} shows its table there.
 */
public final class CryptoPrimitivesBenchmark {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ROUNDS = 5;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** What a timed operation returns is folded in here so the JIT cannot drop the work. */
    private static long sink;

    private CryptoPrimitivesBenchmark() {
    }

    /** One primitive on one provider: the best round's microseconds of the thread's CPU per operation. */
    public record Row(String primitive, double cpuMicros) {
    }

    /**
     * @param curvesProvider where the engine runs X25519 and Ed25519 in this JVM ({@code Sodium.curvesProvider()})
     * @param roundMillis how long each timed round ran
     */
    public record Result(String curvesProvider, long roundMillis, int rounds, List<Row> rows) {
    }

    public static void main(String[] args) throws GeneralSecurityException {
        long roundMillis = args.length > 0 ? Long.parseLong(args[0]) : 300;
        Result result = measure(roundMillis);
        System.out.println("The engine's X25519 and Ed25519: " + result.curvesProvider());
        System.out.printf(Locale.ROOT, "%-58s %12s%n", "primitive (provider)", "CPU µs/op (best)");
        for (Row row : result.rows()) {
            System.out.printf(Locale.ROOT, "%-58s %12.2f%n", row.primitive(), row.cpuMicros());
        }
    }

    /** How long each round runs in {@code profile}: long enough to compile and settle, short in a smoke run. */
    static long roundMillis(RunProfile profile) {
        return switch (profile.name()) {
            case "smoke" -> 5;
            case "quick" -> 60;
            default -> 150;
        };
    }

    /** Times every primitive: a warm-up round, then {@value #ROUNDS} rounds of {@code roundMillis}, the best kept. */
    public static Result measure(long roundMillis) throws GeneralSecurityException {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Op> entry : operations().entrySet()) {
            double best = Double.MAX_VALUE;
            time(entry.getValue(), roundMillis); // warm-up
            for (int round = 0; round < ROUNDS; round++) {
                best = Math.min(best, time(entry.getValue(), roundMillis));
            }
            rows.add(new Row(entry.getKey(), best));
        }
        return new Result(Sodium.curvesProvider(), roundMillis, ROUNDS, List.copyOf(rows));
    }

    /** A timed operation. */
    @FunctionalInterface
    interface Op {
        long run() throws GeneralSecurityException;
    }

    /**
     * Microseconds of this thread's CPU per operation over about {@code millis} of running it: CPU time, not the
     * clock, so that time the thread spends descheduled by other processes does not count.
     */
    private static double time(Op op, long millis) throws GeneralSecurityException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        long start = THREADS.getCurrentThreadCpuTime();
        long count = 0;
        do {
            for (int i = 0; i < 16; i++) {
                sink += op.run();
            }
            count += 16;
        } while (System.nanoTime() < deadline);
        return (THREADS.getCurrentThreadCpuTime() - start) / 1e3 / count;
    }

    private static Map<String, Op> operations() throws GeneralSecurityException {
        Map<String, Op> ops = new LinkedHashMap<>();
        x25519(ops);
        ed25519(ops);
        hashes(ops);
        randomness(ops);
        aead(ops);
        ops.put("whole handshake, both sides: Noise XX + identity proofs (engine)", CryptoPrimitivesBenchmark::handshake);
        return ops;
    }

    private static void x25519(Map<String, Op> ops) throws GeneralSecurityException {
        byte[] privateKey = new byte[32];
        X25519.generatePrivateKey(RANDOM, privateKey);
        byte[] peerPrivate = new byte[32];
        X25519.generatePrivateKey(RANDOM, peerPrivate);
        byte[] peerPublic = new byte[32];
        X25519.generatePublicKey(peerPrivate, 0, peerPublic, 0);
        byte[] out = new byte[32];
        ops.put("X25519 key pair generation (BouncyCastle rfc7748)", () -> {
            byte[] sk = new byte[32];
            X25519.generatePrivateKey(RANDOM, sk);
            X25519.generatePublicKey(sk, 0, out, 0);
            return out[0];
        });
        ops.put("X25519 agreement (BouncyCastle rfc7748)", () -> {
            X25519.calculateAgreement(privateKey, 0, peerPublic, 0, out, 0);
            return out[0];
        });

        Sodium.system().ifPresent(sodium -> {
            ops.put("X25519 key pair generation (libsodium)", () -> {
                byte[] sk = new byte[32];
                X25519.generatePrivateKey(RANDOM, sk);
                sodium.x25519PublicKey(sk, out);
                return out[0];
            });
            ops.put("X25519 agreement (libsodium)", () -> sodium.x25519(privateKey, peerPublic, out) ? out[0] : 0);
        });

        KeyPairGenerator generator = KeyPairGenerator.getInstance("X25519");
        KeyPair jdkPair = generator.generateKeyPair();
        PublicKey jdkPeer = generator.generateKeyPair().getPublic();
        ops.put("X25519 key pair generation (JDK SunEC XDH)", () -> generator.generateKeyPair().hashCode());
        ops.put("X25519 agreement (JDK SunEC XDH, KeyAgreement per call)", () -> {
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(jdkPair.getPrivate());
            agreement.doPhase(jdkPeer, true);
            return agreement.generateSecret()[0];
        });
        byte[] encodedPeer = jdkPeer.getEncoded();
        KeyFactory xdhKeys = KeyFactory.getInstance("XDH");
        ops.put("X25519 agreement + peer key decoding (JDK SunEC XDH)", () -> {
            PublicKey peer = xdhKeys.generatePublic(new X509EncodedKeySpec(encodedPeer));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(jdkPair.getPrivate());
            agreement.doPhase(peer, true);
            return agreement.generateSecret()[0];
        });
    }

    private static void ed25519(Map<String, Op> ops) throws GeneralSecurityException {
        byte[] seed = new byte[32];
        Ed25519.generatePrivateKey(RANDOM, seed);
        byte[] publicKey = new byte[32];
        Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        byte[] message = new byte[19 + 32 + 8 + 2 + 32]; // what an identity proof signs
        RANDOM.nextBytes(message);
        byte[] signature = new byte[64];
        Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(publicKey, 0);

        ops.put("Ed25519 sign, public key re-derived (BouncyCastle rfc8032)", () -> {
            Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
            return signature[0];
        });
        ops.put("Ed25519 sign, public key given (BouncyCastle rfc8032)", () -> {
            Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, signature, 0);
            return signature[0];
        });
        ops.put("Ed25519 verify, key decoded each time (BouncyCastle rfc8032)",
                () -> Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length) ? 1 : 0);
        ops.put("Ed25519 verify, key decoded once (BouncyCastle rfc8032)",
                () -> Ed25519.verify(signature, 0, point, message, 0, message.length) ? 1 : 0);
        ops.put("Ed25519 key check, full: on curve + order (BouncyCastle)",
                () -> Ed25519.validatePublicKeyFull(publicKey, 0) ? 1 : 0);
        ops.put("Ed25519 key check, partial: on curve only (BouncyCastle)",
                () -> Ed25519.validatePublicKeyPartial(publicKey, 0) ? 1 : 0);

        Sodium.system().ifPresent(sodium -> {
            ops.put("Ed25519 sign, public key given (libsodium)", () -> {
                sodium.sign(seed, publicKey, message, signature);
                return signature[0];
            });
            ops.put("Ed25519 verify (libsodium)", () -> sodium.verifies(publicKey, message, signature) ? 1 : 0);
            ops.put("Ed25519 key check, full: on curve + order (libsodium)",
                    () -> sodium.isValidEd25519Key(publicKey) ? 1 : 0);
        });
        byte[] forged = signature.clone();
        forged[40] ^= 1;
        ops.put("Ed25519 verify of a bad signature (engine: " + Sodium.curvesProvider() + ")",
                () -> io.pilot.engine.crypto.Ed25519.verify(publicKey, message, forged) ? 1 : 0);

        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        KeyPair pair = generator.generateKeyPair();
        PrivateKey jdkPrivate = pair.getPrivate();
        PublicKey jdkPublic = pair.getPublic();
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(jdkPrivate);
        signer.update(message);
        byte[] jdkSignature = signer.sign();
        ops.put("Ed25519 sign (JDK SunEC EdDSA, Signature reused)", () -> {
            signer.initSign(jdkPrivate);
            signer.update(message);
            return signer.sign()[0];
        });
        Signature verifier = Signature.getInstance("Ed25519");
        ops.put("Ed25519 verify (JDK SunEC EdDSA, Signature reused)", () -> {
            verifier.initVerify(jdkPublic);
            verifier.update(message);
            return verifier.verify(jdkSignature) ? 1 : 0;
        });
    }

    private static final Identity INITIATOR = Identity.generate(RANDOM);
    private static final Identity RESPONDER = Identity.generate(RANDOM);
    private static final X25519KeyPair INITIATOR_STATIC = X25519KeyPair.generate(RANDOM);
    private static final X25519KeyPair RESPONDER_STATIC = X25519KeyPair.generate(RANDOM);

    /**
     * What the two ends of one handshake compute, in this thread and without the network: the three Noise XX
     * messages, each side's identity proof signed and the other's verified, as {@code Handshakes} and
     * {@code ProofCheck} do. The initiator knows the responder's key (it connected to it), the responder meets the
     * initiator's for the first time and checks it in full.
     */
    private static long handshake() throws GeneralSecurityException {
        try {
            HandshakeState initiator = new HandshakeState(true, WireFormat.PROLOGUE, INITIATOR_STATIC);
            HandshakeState responder = new HandshakeState(false, WireFormat.PROLOGUE, RESPONDER_STATIC);
            responder.readMessage(initiator.writeMessage(new byte[0]));
            byte[] second = responder.writeMessage(hash -> proof(RESPONDER, RESPONDER_STATIC, hash));
            byte[] responderProof = initiator.readMessage(second);
            IdentityProof.decode(responderProof).verify(initiator.remoteStaticPublicKey(), initiator.hashBeforePayload(),
                    RESPONDER.publicKey());
            byte[] third = initiator.writeMessage(hash -> proof(INITIATOR, INITIATOR_STATIC, hash));
            byte[] initiatorProof = responder.readMessage(third);
            IdentityProof proven = IdentityProof.decode(initiatorProof).verify(responder.remoteStaticPublicKey(),
                    responder.hashBeforePayload(), null);
            return proven.bootId() + initiator.split().initiatorToResponder()[0] + responder.split().responderToInitiator()[0];
        } catch (NoiseException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static byte[] proof(Identity identity, X25519KeyPair noiseStatic, byte[] hash) {
        return IdentityProof.create(identity, 0, 7, noiseStatic.publicKey(), hash).encode();
    }

    /** AES-256-GCM as the handshake uses it: a cipher per derived key, and payloads of a few dozen bytes. */
    private static void aead(Map<String, Op> ops) {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        ops.put("AES-256-GCM cipher for a new key (JDK, PacketCipher)", () -> new PacketCipher(key).hashCode());
        PacketCipher cipher = new PacketCipher(key);
        ByteBuffer ad = ByteBuffer.allocate(32);
        ByteBuffer plaintext = ByteBuffer.allocate(48);
        ByteBuffer sealed = ByteBuffer.allocate(48 + PacketCipher.TAG_SIZE);
        // What a Noise handshake key does: made, then one payload sealed under it.
        ops.put("AES-256-GCM new key + seal of 48 bytes, own Cipher (PacketCipher)", () -> {
            ad.clear();
            plaintext.clear();
            sealed.clear();
            new PacketCipher(key).seal(0, ad, plaintext, sealed);
            return sealed.get(0);
        });
        ops.put("AES-256-GCM new key + seal of 48 bytes, thread's Cipher (onThreadCipher)", () -> {
            ad.clear();
            plaintext.clear();
            sealed.clear();
            key[0]++; // a new key each time, as in a handshake (the JDK refuses one key and nonce twice in a row)
            PacketCipher.onThreadCipher(key).seal(0, ad, plaintext, sealed);
            return sealed.get(0);
        });
        Sodium.system().filter(Sodium::hasAes256Gcm).ifPresent(sodium -> {
            byte[] adBytes = new byte[32];
            byte[] plainBytes = new byte[48];
            byte[] sealedBytes = new byte[48 + PacketCipher.TAG_SIZE];
            ops.put("AES-256-GCM new key + seal of 48 bytes (libsodium, Noise CipherState)", () -> {
                key[0]++;
                sodium.seal(key, 0, adBytes, plainBytes, sealedBytes);
                return sealedBytes[0];
            });
        });
        long[] nonce = {0};
        ops.put("AES-256-GCM seal of 48 bytes (JDK, PacketCipher)", () -> {
            ad.clear();
            plaintext.clear();
            sealed.clear();
            cipher.seal(nonce[0]++, ad, plaintext, sealed);
            return sealed.get(0);
        });
    }

    private static void randomness(Map<String, Op> ops) throws GeneralSecurityException {
        byte[] bytes = new byte[32];
        SecureRandom standard = new SecureRandom();
        ops.put("32 random bytes (new SecureRandom(): " + standard.getAlgorithm() + ")", () -> {
            standard.nextBytes(bytes);
            return bytes[0];
        });
        SecureRandom drbg = SecureRandom.getInstance("DRBG");
        ops.put("32 random bytes (SecureRandom DRBG, Hash_DRBG SHA-256)", () -> {
            drbg.nextBytes(bytes);
            return bytes[0];
        });
    }

    private static void hashes(Map<String, Op> ops) throws GeneralSecurityException {
        byte[] a = new byte[32];
        byte[] b = new byte[80];
        RANDOM.nextBytes(a);
        RANDOM.nextBytes(b);
        ops.put("SHA-256 of 112 bytes (JDK, getInstance per call)", () -> {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(a);
            digest.update(b);
            return digest.digest()[0];
        });
        MessageDigest reused = MessageDigest.getInstance("SHA-256");
        ops.put("SHA-256 of 112 bytes (JDK, MessageDigest reused)", () -> {
            reused.update(a);
            reused.update(b);
            return reused.digest()[0];
        });
        SHA256Digest bc = new SHA256Digest();
        byte[] out = new byte[32];
        ops.put("SHA-256 of 112 bytes (BouncyCastle SHA256Digest)", () -> {
            bc.update(a, 0, a.length);
            bc.update(b, 0, b.length);
            bc.doFinal(out, 0);
            return out[0];
        });
        ops.put("HMAC-SHA256 of 33 bytes (JDK, Mac.getInstance per call)", () -> {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(a, "HmacSHA256"));
            mac.update(a);
            mac.update((byte) 1);
            return mac.doFinal()[0];
        });
        Mac jdkMac = Mac.getInstance("HmacSHA256");
        ops.put("HMAC-SHA256 of 33 bytes (JDK, Mac reused, init per key)", () -> {
            jdkMac.init(new SecretKeySpec(a, "HmacSHA256"));
            jdkMac.update(a);
            jdkMac.update((byte) 1);
            return jdkMac.doFinal()[0];
        });
        HMac bcMac = new HMac(new SHA256Digest());
        ops.put("HMAC-SHA256 of 33 bytes (BouncyCastle HMac, init per key)", () -> {
            bcMac.init(new KeyParameter(a));
            bcMac.update(a, 0, a.length);
            bcMac.update((byte) 1);
            bcMac.doFinal(out, 0);
            return out[0];
        });
    }
}
