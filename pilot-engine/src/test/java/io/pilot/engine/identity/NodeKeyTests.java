package io.pilot.engine.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class NodeKeyTests {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Identity signer = Identity.generate(RANDOM);
    private final byte[] message = {1, 2, 3, 4};

    @Test
    void ofSignerGivesTheKeyWhoseSignatureVerifies() {
        NodeKey key = NodeKey.ofSigner(signer.publicKey().toBytes(), message, signer.sign(message));

        assertThat(key).isEqualTo(signer.publicKey());
        assertThat(key.address(7)).isEqualTo(signer.publicKey().address(7));
    }

    @Test
    void ofSignerGivesNothingForASignatureThatDoesNotVerify() {
        byte[] signature = signer.sign(message);
        signature[0] ^= 1;

        assertThat(NodeKey.ofSigner(signer.publicKey().toBytes(), message, signature)).isNull();
        assertThat(NodeKey.ofSigner(Identity.generate(RANDOM).publicKey().toBytes(), message, signer.sign(message)))
                .isNull();
    }

    @Test
    void ofSignerRefusesWhatOfRefuses() {
        byte[] smallOrder = new byte[32];
        smallOrder[0] = 1; // y = 1, the neutral element
        assertThatThrownBy(() -> NodeKey.of(smallOrder)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeKey.ofSigner(smallOrder, message, new byte[64]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeKey.ofSigner(new byte[31], message, new byte[64]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isComparesTheKeyBytes() {
        assertThat(signer.publicKey().is(signer.publicKey().toBytes())).isTrue();
        assertThat(signer.publicKey().is(Identity.generate(RANDOM).publicKey().toBytes())).isFalse();
    }
}
