package io.pilot.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * libsodium against Bouncy Castle on the same inputs: the RFC 7748 and RFC 8032 vectors, random keys, and the inputs
 * where implementations of the curves are known to differ (small-order and mixed-order points, encodings that are not
 * canonical, torsion in R). X25519 and signing must give the same bytes and refuse the same inputs; the engine's
 * verification ({@link Ed25519#verify}, libsodium first, then Bouncy Castle) must answer exactly as Bouncy Castle
 * does alone. Runs where the system has libsodium (Debian {@code libsodium23}, which CI installs); the fallback
 * without it is {@code SodiumFallbackTests}.
 */
class SodiumTests {

    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static Sodium sodium;

    @BeforeAll
    static void loadLibsodium() {
        sodium = Sodium.load("sodium");
        assumeTrue(sodium != null, "libsodium is not installed (Debian package libsodium23)");
    }

    @Test
    void theEngineUsesLibsodiumWhereTheSystemHasIt() {
        assertThat(Sodium.system()).isPresent();
        assertThat(Sodium.curvesProvider()).startsWith("libsodium ");
    }

    @Test
    void x25519MatchesRfc7748AndBouncyCastle() {
        assertThat(agree(sodium, "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))
                .isEqualTo("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        assertThat(agree(sodium, "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"))
                .isEqualTo("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
        byte[] alice = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] alicePublic = new byte[32];
        sodium.x25519PublicKey(alice, alicePublic);
        assertThat(HEX.formatHex(alicePublic)).isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");

        for (int i = 0; i < 200; i++) {
            byte[] scalar = random(32);
            byte[] u = random(32); // any 32 bytes: top bit set half the time, which both must ignore
            assertThat(agree(sodium, scalar, u)).isEqualTo(agree(null, scalar, u));
            byte[] fromSodium = new byte[32];
            byte[] fromBouncyCastle = new byte[32];
            sodium.x25519PublicKey(scalar, fromSodium);
            X25519.generatePublicKey(scalar, 0, fromBouncyCastle, 0);
            assertThat(fromSodium).isEqualTo(fromBouncyCastle);
        }
    }

    /**
     * Every u of small order (from the Edwards torsion points), u = 0 to 18 and p - 18 to p + 18 (encodings at and
     * past p, which X25519 reduces), each with the top bit clear and set: libsodium refuses exactly where Bouncy
     * Castle's result is all zeros, and otherwise computes the same secret.
     */
    @Test
    void x25519RefusesAndReducesAsBouncyCastleDoes() {
        List<byte[]> inputs = new ArrayList<>();
        EdwardsPoints.Point torsion = EdwardsPoints.torsionOfOrder8();
        for (int i = 0; i < 8; i++) {
            byte[] u = torsion.times(BigInteger.valueOf(i)).montgomeryU();
            if (u != null) {
                inputs.add(u);
            }
        }
        for (int i = -18; i <= 18; i++) {
            inputs.add(EdwardsPoints.littleEndian(BigInteger.valueOf(i + 18)));
            inputs.add(EdwardsPoints.littleEndian(EdwardsPoints.P.add(BigInteger.valueOf(i))));
        }
        int refused = 0;
        for (byte[] u : inputs) {
            for (int topBit = 0; topBit < 2; topBit++) {
                byte[] input = u.clone();
                input[31] |= (byte) (topBit << 7);
                for (int i = 0; i < 3; i++) {
                    byte[] scalar = random(32);
                    String expected = agree(null, scalar, input);
                    assertThat(agree(sodium, scalar, input)).as("u %s", HEX.formatHex(input)).isEqualTo(expected);
                    refused += expected == null ? 1 : 0;
                }
            }
        }
        assertThat(refused).as("small-order inputs among them").isGreaterThan(0);
    }

    @Test
    void signaturesAreBouncyCastlesBytes() {
        byte[] seed = HEX.parseHex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7");
        byte[] publicKey = HEX.parseHex("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025");
        byte[] signature = new byte[64];
        sodium.sign(seed, publicKey, HEX.parseHex("af82"), signature);
        assertThat(HEX.formatHex(signature)).isEqualTo("6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
                + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"); // RFC 8032 7.1, TEST 3
        for (int i = 0; i < 100; i++) {
            byte[] key = Ed25519.generatePrivateKey(RANDOM);
            byte[] message = random(i);
            byte[] expected = new byte[64];
            org.bouncycastle.math.ec.rfc8032.Ed25519.sign(key, 0, message, 0, message.length, expected, 0);
            sodium.sign(key, Ed25519.publicKey(key), message, signature);
            assertThat(signature).isEqualTo(expected);
            assertThat(sodium.verifies(Ed25519.publicKey(key), message, signature)).isTrue();
        }
    }

    /**
     * AES-256-GCM as the Noise handshake uses it: libsodium's sealed bytes are the JDK's ({@link PacketCipher}) for
     * every length of plaintext up to 100 bytes, random keys, nonces and associated data, each opens on the other, and
     * a flipped bit anywhere or a wrong nonce is refused by both.
     */
    @Test
    void aes256GcmSealsAndOpensAsTheJdkDoes() {
        assumeTrue(sodium.hasAes256Gcm(), "this CPU lacks AES-NI or PCLMUL: libsodium offers no AES-256-GCM");
        for (int length = 0; length <= 100; length++) {
            byte[] key = random(32);
            long nonce = RANDOM.nextInt(1_000_000); // within PacketCipher's counter limit
            byte[] ad = random(length % 3 == 0 ? 0 : 32);
            byte[] plaintext = random(length);
            byte[] fromSodium = new byte[length + PacketCipher.TAG_SIZE];
            sodium.seal(key, nonce, ad, plaintext, fromSodium);
            java.nio.ByteBuffer fromJdk = java.nio.ByteBuffer.allocate(length + PacketCipher.TAG_SIZE);
            new PacketCipher(key).seal(nonce, java.nio.ByteBuffer.wrap(ad), java.nio.ByteBuffer.wrap(plaintext), fromJdk);
            assertThat(fromSodium).isEqualTo(fromJdk.array());

            byte[] opened = new byte[length];
            assertThat(sodium.open(key, nonce, ad, fromSodium, opened)).isTrue();
            assertThat(opened).isEqualTo(plaintext);
            byte[] damaged = fromSodium.clone();
            damaged[RANDOM.nextInt(damaged.length)] ^= (byte) (1 << RANDOM.nextInt(8));
            assertThat(sodium.open(key, nonce, ad, damaged, opened)).isFalse();
            assertThat(new PacketCipher(key).open(nonce, java.nio.ByteBuffer.wrap(ad), java.nio.ByteBuffer.wrap(damaged),
                    java.nio.ByteBuffer.allocate(length))).isNegative();
            assertThat(sodium.open(key, nonce + 1, ad, fromSodium, opened)).isFalse();
        }
    }

    /** Valid signatures, and each of them with one bit flipped anywhere, or S + L instead of S. */
    @Test
    void verificationAnswersAsBouncyCastleOnValidAndDamagedSignatures() {
        for (int i = 0; i < 20; i++) {
            byte[] key = Ed25519.generatePrivateKey(RANDOM);
            byte[] publicKey = Ed25519.publicKey(key);
            byte[] message = random(40);
            byte[] signature = Ed25519.sign(key, publicKey, message);
            assertSameVerdict(publicKey, message, signature, true);
            for (int bit = 0; bit < 512; bit += 7) {
                byte[] damaged = signature.clone();
                damaged[bit / 8] ^= (byte) (1 << (bit % 8));
                assertSameVerdict(publicKey, message, damaged, false);
            }
            byte[] keyDamaged = publicKey.clone();
            keyDamaged[i] ^= 4;
            assertSameVerdict(keyDamaged, message, signature, false);
            byte[] nonCanonicalS = signature.clone();
            BigInteger s = EdwardsPoints.fromLittleEndian(java.util.Arrays.copyOfRange(signature, 32, 64));
            System.arraycopy(EdwardsPoints.littleEndian(s.add(EdwardsPoints.L)), 0, nonCanonicalS, 32, 32);
            assertSameVerdict(publicKey, message, nonCanonicalS, false);
        }
    }

    /**
     * The cases where Ed25519 verifiers differ ("Taming the many EdDSAs"): keys and R of small order, keys and R with
     * a torsion part, encodings of y at or past p. Each signature satisfies the equation that part of the verifiers
     * check; whatever Bouncy Castle answers, the engine answers the same, and libsodium never accepts what Bouncy
     * Castle refuses.
     */
    @Test
    void verificationAnswersAsBouncyCastleOnSmallOrderMixedOrderAndNonCanonicalInputs() {
        EdwardsPoints.Point torsion = EdwardsPoints.torsionOfOrder8();
        BigInteger a = new BigInteger(250, RANDOM);
        BigInteger r = new BigInteger(250, RANDOM);
        EdwardsPoints.Point primeOrderKey = EdwardsPoints.BASE.times(a);
        int sodiumAccepted = 0;
        int checked = 0;
        for (int t = 0; t < 8; t++) {
            EdwardsPoints.Point small = torsion.times(BigInteger.valueOf(t));
            List<byte[]> keys = List.of(primeOrderKey.encode(), primeOrderKey.add(small).encode(), small.encode());
            List<byte[]> rs = List.of(EdwardsPoints.BASE.times(r).encode(), EdwardsPoints.BASE.times(r).add(small).encode(),
                    small.encode());
            for (byte[] key : keys) {
                for (byte[] encodedR : rs) {
                    for (int m = 0; m < 4; m++) {
                        byte[] message = ("message " + m).getBytes(StandardCharsets.US_ASCII);
                        BigInteger keyScalar = key == keys.get(2) ? BigInteger.ZERO : a;
                        BigInteger nonce = encodedR == rs.get(2) ? BigInteger.ZERO : r;
                        byte[] signature = EdwardsPoints.sign(keyScalar, key, nonce, encodedR, message);
                        sodiumAccepted += assertSameVerdict(key, message, signature, null) ? 1 : 0;
                        checked++;
                    }
                }
            }
        }
        for (int y = 0; y < 19; y++) { // y and y + p both fit in 255 bits: two encodings of one y
            for (int sign = 0; sign < 2; sign++) {
                byte[] canonical = EdwardsPoints.littleEndian(BigInteger.valueOf(y));
                byte[] nonCanonical = EdwardsPoints.littleEndian(EdwardsPoints.P.add(BigInteger.valueOf(y)));
                canonical[31] |= (byte) (sign << 7);
                nonCanonical[31] |= (byte) (sign << 7);
                if (EdwardsPoints.decode(canonical) == null) {
                    continue;
                }
                byte[] message = {(byte) y};
                byte[] validKey = primeOrderKey.encode();
                byte[] validR = EdwardsPoints.BASE.times(r).encode();
                assertSameVerdict(nonCanonical, message, EdwardsPoints.sign(BigInteger.ZERO, nonCanonical, r, validR, message), null);
                assertSameVerdict(canonical, message, EdwardsPoints.sign(BigInteger.ZERO, canonical, r, validR, message), null);
                assertSameVerdict(validKey, message, EdwardsPoints.sign(a, validKey, BigInteger.ZERO, nonCanonical, message), null);
                assertSameVerdict(validKey, message, EdwardsPoints.sign(a, validKey, BigInteger.ZERO, canonical, message), null);
                checked += 4;
            }
        }
        assertThat(checked).isGreaterThan(300);
        assertThat(sodiumAccepted).as("plain signatures by a prime-order key among them").isGreaterThan(0);
    }

    /**
     * The full key check, on keys of small order, keys with a torsion part, both encodings of each y below 19, random
     * bytes and real keys: libsodium's check accepts only keys Bouncy Castle's accepts, and the engine's is Bouncy
     * Castle's.
     */
    @Test
    void theFullKeyCheckAnswersAsBouncyCastle() {
        List<byte[]> keys = new ArrayList<>();
        EdwardsPoints.Point torsion = EdwardsPoints.torsionOfOrder8();
        EdwardsPoints.Point primeOrder = EdwardsPoints.BASE.times(new BigInteger(250, RANDOM));
        for (int t = 0; t < 8; t++) {
            EdwardsPoints.Point small = torsion.times(BigInteger.valueOf(t));
            keys.add(small.encode());
            keys.add(primeOrder.add(small).encode());
        }
        for (int y = 0; y < 19; y++) {
            for (int sign = 0; sign < 2; sign++) {
                byte[] canonical = EdwardsPoints.littleEndian(BigInteger.valueOf(y));
                byte[] nonCanonical = EdwardsPoints.littleEndian(EdwardsPoints.P.add(BigInteger.valueOf(y)));
                canonical[31] |= (byte) (sign << 7);
                nonCanonical[31] |= (byte) (sign << 7);
                keys.add(canonical);
                keys.add(nonCanonical);
            }
        }
        for (int i = 0; i < 50; i++) {
            keys.add(random(32));
            keys.add(Ed25519.publicKey(Ed25519.generatePrivateKey(RANDOM)));
        }
        int valid = 0;
        for (byte[] key : keys) {
            boolean bouncyCastle = org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(key, 0);
            String what = "key " + HEX.formatHex(key);
            assertThat(!sodium.isValidEd25519Key(key) || bouncyCastle).as("libsodium accepts only what Bouncy Castle does: "
                    + what).isTrue();
            assertThat(Ed25519.isValidPublicKey(key)).as(what).isEqualTo(bouncyCastle);
            assertThat(Ed25519.checkedKey(key) != null).as(what).isEqualTo(bouncyCastle);
            valid += bouncyCastle ? 1 : 0;
        }
        assertThat(valid).as("real keys among them").isGreaterThanOrEqualTo(50).isLessThan(keys.size());
    }

    /**
     * Asserts the engine's verdict ({@link Ed25519#verify}, and a checked key's where the key passes the full check)
     * is Bouncy Castle's, and that libsodium accepts only what Bouncy Castle accepts; {@code expected}, if given, is
     * that verdict. Returns whether libsodium accepted.
     */
    private static boolean assertSameVerdict(byte[] key, byte[] message, byte[] signature, Boolean expected) {
        boolean bouncyCastle = org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, key, 0, message, 0,
                message.length);
        boolean libsodium = sodium.verifies(key, message, signature);
        String what = "key " + HEX.formatHex(key) + ", signature " + HEX.formatHex(signature);
        if (expected != null) {
            assertThat(bouncyCastle).as(what).isEqualTo(expected);
        }
        assertThat(Ed25519.verify(key, message, signature)).as(what).isEqualTo(bouncyCastle);
        Ed25519.CheckedKey checked = Ed25519.checkedKey(key);
        if (checked != null) {
            assertThat(checked.verify(message, signature)).as(what).isEqualTo(bouncyCastle);
        }
        assertThat(!libsodium || bouncyCastle).as("libsodium accepts only what Bouncy Castle accepts: " + what).isTrue();
        return libsodium;
    }

    /** X25519 by libsodium, or by Bouncy Castle for null; null where refused (an all-zero result). */
    private static String agree(Sodium with, String scalar, String u) {
        return agree(with, HEX.parseHex(scalar), HEX.parseHex(u));
    }

    private static String agree(Sodium with, byte[] scalar, byte[] u) {
        byte[] shared = new byte[32];
        boolean agreed = with != null ? with.x25519(scalar, u, shared) : X25519.calculateAgreement(scalar, 0, u, 0, shared, 0);
        return agreed ? HEX.formatHex(shared) : null;
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
