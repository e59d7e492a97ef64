package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.IdentityStore;
import io.pilot.spring.runtime.RuntimeSettings.IdentitySource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pilot.identity.*}: a file, a key given as a value, a pinned address; each refusal named, none quoting the key. */
class ConfiguredIdentityTests {

    @TempDir
    Path dir;

    private final Identity identity = Identity.generate(new SecureRandom());

    private static PilotProperties.Identity properties(Path path, String key, String address) {
        PilotProperties.Identity properties = new PilotProperties.Identity();
        properties.setPath(path);
        properties.setKey(key);
        properties.setAddress(address);
        return properties;
    }

    private static String pem(byte[] pkcs8) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n";
    }

    private String seed(Identity identity) throws Exception {
        Path file = dir.resolve("seed-" + identity.publicKey().nodeNumber() + ".key");
        if (!Files.exists(file)) {
            IdentityStore.write(file, identity);
        }
        return Files.readAllLines(file).stream().filter(l -> l.startsWith("private-key: ")).findFirst().orElseThrow()
                .substring("private-key: ".length());
    }

    @Test
    void theDefaultIsAFileNamedAfterTheHostnameLoadedAtStart() {
        assertThat(ConfiguredIdentity.from(properties(null, null, null), "fx-2", 0))
                .isEqualTo(IdentitySource.file(Path.of(".pilot", "fx-2.key")));
        assertThat(ConfiguredIdentity.from(properties(dir.resolve("n.key"), null, null), "fx", 0))
                .isEqualTo(IdentitySource.file(dir.resolve("n.key")));
        assertThat(dir.resolve("n.key")).doesNotExist();
    }

    @Test
    void aKeyGivenAsAValueIsUsedWithoutAFile() throws Exception {
        IdentitySource source = ConfiguredIdentity.from(properties(null, seed(identity), null), "fx", 0);
        assertThat(source.file()).isNull();
        assertThat(source.key().sameKeyAs(identity)).isTrue();
        assertThat(source.toString()).doesNotContain(seed(identity));

        IdentitySource pinned = ConfiguredIdentity.from(properties(null, seed(identity),
                identity.publicKey().address(3).toString()), "fx", 3);
        assertThat(pinned.key().publicKey()).isEqualTo(identity.publicKey());
    }

    @Test
    void badValuesAreRefusedByPropertyWithoutQuotingTheKey() throws Exception {
        String secret = seed(identity);
        assertThatThrownBy(() -> ConfiguredIdentity.from(properties(dir.resolve("n.key"), secret, null), "fx", 0))
                .isInstanceOfSatisfying(PilotConfigurationException.class, e -> assertThat(e.property()).isEqualTo("pilot.identity"))
                .hasMessage("pilot.identity: both path and key are set");

        String garbled = secret.substring(0, 20) + "*" + secret.substring(21);
        assertThatThrownBy(() -> ConfiguredIdentity.from(properties(null, garbled, null), "fx", 0))
                .isInstanceOfSatisfying(PilotConfigurationException.class, e -> {
                    assertThat(e.property()).isEqualTo("pilot.identity.key");
                    assertThat(e.action()).contains("openssl genpkey -algorithm ed25519");
                })
                .hasMessage("pilot.identity.key: the value is not base64 or base64url (nor PEM)");

        String rsa = pem(KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate().getEncoded());
        assertThatThrownBy(() -> ConfiguredIdentity.from(properties(null, rsa, null), "fx", 0))
                .hasMessageStartingWith("pilot.identity.key: is an RSA key").hasMessageNotContaining(rsa.substring(40, 80));

        assertThatThrownBy(() -> ConfiguredIdentity.from(properties(null, secret, "0:12"), "fx", 0))
                .isInstanceOfSatisfying(PilotConfigurationException.class, e -> assertThat(e.property()).isEqualTo("pilot.identity.address"));
    }

    @Test
    void aKeyThatDoesNotMatchThePinnedAddressIsRefused() throws Exception {
        Identity other = Identity.generate(new SecureRandom());
        String pinned = other.publicKey().address(0).toString();
        assertThatThrownBy(() -> ConfiguredIdentity.from(properties(null, seed(identity), pinned), "fx", 0))
                .isInstanceOf(PilotConfigurationException.class)
                .hasMessage("pilot.identity.address: pins " + pinned + " but the key in pilot.identity.key has the address "
                        + identity.publicKey().address(0))
                .hasMessageNotContaining(seed(identity));

        Path file = dir.resolve("fx.key");
        IdentityStore.write(file, identity);
        assertThatThrownBy(() -> ConfiguredIdentity.from(properties(file, null, pinned), "fx", 0))
                .hasMessage("pilot.identity.address: pins " + pinned + " but the key in " + file + " has the address "
                        + identity.publicKey().address(0));
        assertThatThrownBy(() -> ConfiguredIdentity.from(properties(file, null, identity.publicKey().address(0).toString()), "fx", 7))
                .isInstanceOfSatisfying(PilotConfigurationException.class,
                        e -> assertThat(e.action()).contains("its realm differs from pilot.realm=7"));
        assertThat(ConfiguredIdentity.from(properties(file, null, identity.publicKey().address(0).toString()), "fx", 0))
                .satisfies(source -> assertThat(source.key().sameKeyAs(identity)).isTrue())
                .satisfies(source -> assertThat(source.file()).isEqualTo(file));
    }

    @Test
    void aPinnedAddressNeverCreatesAKeyFile() {
        Path missing = dir.resolve("absent.key");
        assertThatThrownBy(() -> ConfiguredIdentity.from(properties(missing, null, identity.publicKey().address(0).toString()), "fx", 0))
                .hasMessageContaining("does not exist, and a new key would have another address");
        assertThat(missing).doesNotExist();
    }
}
