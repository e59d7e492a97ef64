package io.pilot.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HkdfTests {

    private static final HexFormat HEX = HexFormat.of();

    /**
     * RFC 5869 test case 3 (SHA-256, empty salt, empty info). An empty HMAC key is equivalent to 32
     * zero bytes, and Noise's HKDF outputs are the first 32-byte blocks of RFC 5869's OKM.
     */
    @Test
    void matchesRfc5869TestCase3() {
        byte[] ikm = new byte[22];
        Arrays.fill(ikm, (byte) 0x0b);
        byte[][] out = Hkdf.derive(new byte[32], ikm, 3);
        String okm = HEX.formatHex(out[0]) + HEX.formatHex(out[1]);
        assertThat(okm).startsWith("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
        assertThat(HEX.formatHex(Hkdf.hmacSha256(new byte[32], ikm)))
                .isEqualTo("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
    }

    @Test
    void twoOutputsArePrefixOfThree() {
        byte[] ck = Sha256.hash("chain".getBytes());
        byte[] ikm = Sha256.hash("ikm".getBytes());
        byte[][] two = Hkdf.derive(ck, ikm, 2);
        byte[][] three = Hkdf.derive(ck, ikm, 3);
        assertThat(two).hasDimensions(2, 32);
        assertThat(three).hasDimensions(3, 32);
        assertThat(two[0]).isEqualTo(three[0]);
        assertThat(two[1]).isEqualTo(three[1]);
        assertThat(three[2]).isNotEqualTo(three[1]);
        assertThat(Hkdf.derive(ck, new byte[0], 2)[0]).isNotEqualTo(two[0]);
    }

    @Test
    void rejectsOtherOutputCounts() {
        assertThatThrownBy(() -> Hkdf.derive(new byte[32], new byte[0], 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hkdf.derive(new byte[32], new byte[0], 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sha256OfConcatenation() {
        assertThat(HEX.formatHex(Sha256.hash("ab".getBytes(), "c".getBytes())))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(HEX.formatHex(Sha256.hash()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
