package io.pilot.engine.crypto;

import java.util.HexFormat;

/**
 * A child JVM's main for {@code SodiumFallbackTests}: loads the engine's curve classes with the libsodium library
 * named by its argument (or {@code none}), prints who computes the curves, then checks the RFC 7748 and RFC 8032
 * vectors through {@link X25519KeyPair} and {@link Ed25519}, and a Noise {@code CipherState}'s AES-256-GCM against
 * the JDK's ({@link PacketCipher}), and prints {@code ok}; exits 1 on a wrong answer.
 */
public final class CurveSelfCheck {

    private static final HexFormat HEX = HexFormat.of();

    private CurveSelfCheck() {
    }

    public static void main(String[] args) {
        System.setProperty(Sodium.LIBRARY_PROPERTY, args[0]); // a constant: Sodium is not loaded yet
        System.out.println(Sodium.curvesProvider());
        X25519KeyPair alice = X25519KeyPair.fromPrivateKey(
                HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        X25519KeyPair bob = X25519KeyPair.fromPrivateKey(
                HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        boolean x25519 = HEX.formatHex(alice.publicKey()).equals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
                && HEX.formatHex(alice.agree(bob.publicKey()))
                        .equals("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        byte[] secret = HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
        byte[] publicKey = HEX.parseHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
        byte[] message = {0x72};
        String signature = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"; // RFC 8032 7.1, TEST 2
        byte[] signed = Ed25519.sign(secret, publicKey, message);
        byte[] damaged = signed.clone();
        damaged[0] ^= 1;
        boolean ed25519 = HEX.formatHex(signed).equals(signature) && Ed25519.verify(publicKey, message, signed)
                && Ed25519.checkedKey(publicKey).verify(message, signed) && !Ed25519.verify(publicKey, message, damaged);
        boolean aead = handshakeAeadAsTheJdk();
        boolean ok = x25519 && ed25519 && aead;
        System.out.println(ok ? "ok" : "wrong: x25519 " + x25519 + ", ed25519 " + ed25519 + ", aead " + aead);
        System.exit(ok ? 0 : 1);
    }

    private static boolean handshakeAeadAsTheJdk() {
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] ad = {1, 2, 3};
        byte[] plaintext = "a handshake payload".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try {
            io.pilot.engine.noise.CipherState noise = new io.pilot.engine.noise.CipherState(key);
            byte[] first = noise.encryptWithAd(ad, plaintext); // nonce 0
            byte[] sealed = noise.encryptWithAd(ad, plaintext); // nonce 1
            java.nio.ByteBuffer expected = java.nio.ByteBuffer.allocate(plaintext.length + PacketCipher.TAG_SIZE);
            new PacketCipher(key).seal(1, java.nio.ByteBuffer.wrap(ad), java.nio.ByteBuffer.wrap(plaintext), expected);
            io.pilot.engine.noise.CipherState reader = new io.pilot.engine.noise.CipherState(key);
            reader.decryptWithAd(ad, first);
            return java.util.Arrays.equals(sealed, expected.array())
                    && java.util.Arrays.equals(reader.decryptWithAd(ad, sealed), plaintext);
        } catch (io.pilot.engine.noise.NoiseException e) {
            return false;
        }
    }
}
