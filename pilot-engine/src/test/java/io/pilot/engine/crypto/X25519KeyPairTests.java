package io.pilot.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class X25519KeyPairTests {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc7748Section52FunctionVectors() {
        assertX25519(
                "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
                "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        assertX25519(
                "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
                "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    }

    @Test
    void rfc7748Section61DiffieHellman() {
        X25519KeyPair alice = X25519KeyPair.fromPrivateKey(
                HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        X25519KeyPair bob = X25519KeyPair.fromPrivateKey(
                HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        assertThat(HEX.formatHex(alice.publicKey()))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(HEX.formatHex(bob.publicKey()))
                .isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertThat(HEX.formatHex(alice.agree(bob.publicKey()))).isEqualTo(shared);
        assertThat(HEX.formatHex(bob.agree(alice.publicKey()))).isEqualTo(shared);
    }

    @Test
    void generatedPairsAgree() {
        SecureRandom random = new SecureRandom();
        X25519KeyPair a = X25519KeyPair.generate(random);
        X25519KeyPair b = X25519KeyPair.generate(random);
        assertThat(a.agree(b.publicKey())).isEqualTo(b.agree(a.publicKey())).hasSize(32);
        assertThat(a.publicKey()).isNotEqualTo(b.publicKey());
    }

    @Test
    void rejectsLowOrderPointsWithAllZeroResult() {
        X25519KeyPair pair = X25519KeyPair.generate(new SecureRandom());
        assertThatThrownBy(() -> pair.agree(new byte[32]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("low-order");
        byte[] one = new byte[32];
        one[0] = 1;
        assertThatThrownBy(() -> pair.agree(one)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsWrongLengths() {
        assertThatThrownBy(() -> X25519KeyPair.fromPrivateKey(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        X25519KeyPair pair = X25519KeyPair.generate(new SecureRandom());
        assertThatThrownBy(() -> pair.agree(new byte[33])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pair.agree(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void destroyedPairRefusesAgreementButKeepsPublicKey() {
        X25519KeyPair pair = X25519KeyPair.generate(new SecureRandom());
        X25519KeyPair peer = X25519KeyPair.generate(new SecureRandom());
        byte[] publicKey = pair.publicKey();
        pair.destroy();
        assertThat(pair.publicKey()).isEqualTo(publicKey);
        assertThatThrownBy(() -> pair.agree(peer.publicKey())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void publicKeyIsDefensivelyCopied() {
        X25519KeyPair pair = X25519KeyPair.generate(new SecureRandom());
        pair.publicKey()[0] ^= 1;
        byte[] first = pair.publicKey();
        assertThat(pair.publicKey()).isEqualTo(first);
    }

    private static void assertX25519(String scalar, String u, String expected) {
        byte[] result = X25519KeyPair.fromPrivateKey(HEX.parseHex(scalar)).agree(HEX.parseHex(u));
        assertThat(HEX.formatHex(result)).isEqualTo(expected);
    }
}
