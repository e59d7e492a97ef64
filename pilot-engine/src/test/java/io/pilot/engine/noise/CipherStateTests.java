package io.pilot.engine.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.crypto.Sha256;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CipherStateTests {

    private static final byte[] KEY = Sha256.hash("k".getBytes(StandardCharsets.UTF_8));
    private static final byte[] AD = {7, 7};

    @Test
    void withoutKeyEncryptionIsIdentity() throws Exception {
        CipherState empty = new CipherState();
        assertThat(empty.hasKey()).isFalse();
        byte[] plaintext = {1, 2, 3};
        assertThat(empty.encryptWithAd(AD, plaintext)).isEqualTo(plaintext).isNotSameAs(plaintext);
        assertThat(empty.decryptWithAd(AD, plaintext)).isEqualTo(plaintext);
    }

    @Test
    void nonceAdvancesPerMessage() throws Exception {
        CipherState sender = new CipherState(KEY);
        CipherState receiver = new CipherState(KEY);
        byte[] first = sender.encryptWithAd(AD, new byte[] {1});
        byte[] second = sender.encryptWithAd(AD, new byte[] {1});
        assertThat(first).hasSize(17).isNotEqualTo(second);
        assertThat(receiver.decryptWithAd(AD, first)).containsExactly(1);
        assertThat(receiver.decryptWithAd(AD, second)).containsExactly(1);
    }

    @Test
    void tamperedTransportMessageFailsWithoutAdvancingNonce() throws Exception {
        CipherState sender = new CipherState(KEY);
        CipherState receiver = new CipherState(KEY);
        byte[] ciphertext = sender.encryptWithAd(AD, "transport".getBytes(StandardCharsets.UTF_8));
        byte[] tampered = ciphertext.clone();
        tampered[0] ^= 1;
        assertThatThrownBy(() -> receiver.decryptWithAd(AD, tampered))
                .isInstanceOf(NoiseException.class).hasMessageContaining("authentication");
        assertThatThrownBy(() -> receiver.decryptWithAd(new byte[0], ciphertext)).isInstanceOf(NoiseException.class);
        assertThatThrownBy(() -> receiver.decryptWithAd(AD, new byte[15]))
                .isInstanceOf(NoiseException.class).hasMessageContaining("shorter");
        assertThat(receiver.decryptWithAd(AD, ciphertext)).asString(StandardCharsets.UTF_8).isEqualTo("transport");
        assertThatThrownBy(() -> receiver.decryptWithAd(AD, ciphertext))
                .as("replayed transport message under the next nonce").isInstanceOf(NoiseException.class);
    }

    @Test
    void initializeKeyResetsNonce() throws Exception {
        CipherState a = new CipherState(KEY);
        byte[] atZero = a.encryptWithAd(AD, new byte[0]);
        a.encryptWithAd(AD, new byte[0]);
        a.initializeKey(KEY);
        assertThat(a.encryptWithAd(AD, new byte[0])).isEqualTo(atZero);
    }
}
