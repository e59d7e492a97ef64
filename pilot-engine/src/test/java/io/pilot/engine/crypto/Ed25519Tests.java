package io.pilot.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ed25519Tests {

    private static final HexFormat HEX = HexFormat.of();

    /** RFC 8032 section 7.1, TEST 1 to TEST 3. */
    @ParameterizedTest
    @CsvSource({
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
            + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a,"
            + "'',"
            + "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
            + "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c,"
            + "72,"
            + "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7,"
            + "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025,"
            + "af82,"
            + "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    })
    void rfc8032Vectors(String secret, String publicKey, String message, String signature) {
        byte[] sk = HEX.parseHex(secret);
        byte[] msg = HEX.parseHex(message == null ? "" : message);
        assertThat(HEX.formatHex(Ed25519.publicKey(sk))).isEqualTo(publicKey);
        assertThat(HEX.formatHex(Ed25519.sign(sk, msg))).isEqualTo(signature);
        assertThat(Ed25519.verify(HEX.parseHex(publicKey), msg, HEX.parseHex(signature))).isTrue();
    }

    @Test
    void generatedKeySignsAndVerifies() {
        byte[] sk = Ed25519.generatePrivateKey(new SecureRandom());
        byte[] pk = Ed25519.publicKey(sk);
        byte[] msg = "agent hello".getBytes(StandardCharsets.UTF_8);
        byte[] sig = Ed25519.sign(sk, msg);
        assertThat(Ed25519.verify(pk, msg, sig)).isTrue();
        assertThat(Ed25519.verify(pk, "agent hellO".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
        sig[10] ^= 0x40;
        assertThat(Ed25519.verify(pk, msg, sig)).isFalse();
    }

    @Test
    void verifyNeverThrowsOnMalformedInput() {
        byte[] sk = Ed25519.generatePrivateKey(new SecureRandom());
        byte[] pk = Ed25519.publicKey(sk);
        byte[] msg = {1, 2, 3};
        byte[] sig = Ed25519.sign(sk, msg);
        assertThat(Ed25519.verify(new byte[31], msg, sig)).isFalse();
        assertThat(Ed25519.verify(pk, msg, new byte[63])).isFalse();
        assertThat(Ed25519.verify(pk, msg, new byte[65])).isFalse();
        assertThat(Ed25519.verify(null, msg, sig)).isFalse();
        assertThat(Ed25519.verify(pk, null, sig)).isFalse();
        assertThat(Ed25519.verify(pk, msg, null)).isFalse();
        byte[] notAPoint = new byte[32];
        Arrays.fill(notAPoint, (byte) 0xff);
        assertThat(Ed25519.verify(notAPoint, msg, sig)).isFalse();
        assertThat(Ed25519.verify(pk, msg, new byte[64])).isFalse();
        byte[] allOnes = new byte[64];
        Arrays.fill(allOnes, (byte) 0xff);
        assertThat(Ed25519.verify(pk, msg, allOnes)).isFalse();
    }

    @Test
    void signingWithTheGivenPublicKeyGivesTheSameSignature() {
        byte[] sk = Ed25519.generatePrivateKey(new SecureRandom());
        byte[] pk = Ed25519.publicKey(sk);
        byte[] msg = "proof".getBytes(StandardCharsets.UTF_8);

        assertThat(Ed25519.sign(sk, pk, msg)).isEqualTo(Ed25519.sign(sk, msg));
        assertThat(Ed25519.verify(pk, msg, Ed25519.sign(sk, pk, msg))).isTrue();
    }

    @Test
    void aCheckedKeyVerifiesAsTheKeyBytesDo() {
        byte[] sk = Ed25519.generatePrivateKey(new SecureRandom());
        byte[] pk = Ed25519.publicKey(sk);
        byte[] msg = {4, 5, 6};
        byte[] sig = Ed25519.sign(sk, msg);
        Ed25519.CheckedKey checked = Ed25519.checkedKey(pk);

        assertThat(checked.verify(msg, sig)).isTrue();
        assertThat(checked.verify(new byte[] {4, 5, 7}, sig)).isFalse();
        assertThat(checked.verify(msg, new byte[63])).isFalse();
        assertThat(checked.verify(null, sig)).isFalse();
        sig[3] ^= 1;
        assertThat(checked.verify(msg, sig)).isFalse();
    }

    @Test
    void noCheckedKeyForWhatIsNotAValidKey() {
        byte[] identityPoint = new byte[32]; // y = 1: the neutral element, of small order
        identityPoint[0] = 1;
        byte[] notAPoint = new byte[32];
        Arrays.fill(notAPoint, (byte) 0xff);

        assertThat(Ed25519.checkedKey(identityPoint)).isNull();
        assertThat(Ed25519.isValidPublicKey(identityPoint)).isFalse();
        assertThat(Ed25519.checkedKey(notAPoint)).isNull();
        assertThat(Ed25519.checkedKey(new byte[31])).isNull();
        assertThat(Ed25519.checkedKey(null)).isNull();
    }
}
