package io.pilot.engine.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTextTests {

    @TempDir
    Path dir;

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static KeyPair keyPair(String algorithm) throws Exception {
        return KeyPairGenerator.getInstance(algorithm).generateKeyPair();
    }

    /** The raw 32-byte Ed25519 public key at the end of the JDK's X.509 encoding. */
    private static byte[] rawPublicKey(KeyPair pair) {
        byte[] x509 = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    }

    @Test
    void aPemKeyMadeElsewhereIsTheSameKey() throws Exception {
        KeyPair ed25519 = keyPair("Ed25519");
        Identity identity = IdentityText.parse(pem("PRIVATE KEY", ed25519.getPrivate().getEncoded()));
        assertThat(identity.publicKey().toBytes()).isEqualTo(rawPublicKey(ed25519));
    }

    @Test
    void base64OfTheSeedOrOfTheDerIsTheSameKey() throws Exception {
        Identity original = Identity.generate(new SecureRandom());
        byte[] seed = original.seed();
        assertThat(IdentityText.parse(Base64.getUrlEncoder().withoutPadding().encodeToString(seed)).sameKeyAs(original)).isTrue();
        assertThat(IdentityText.parse(" " + Base64.getEncoder().encodeToString(seed) + "\n").sameKeyAs(original)).isTrue();

        KeyPair ed25519 = keyPair("Ed25519");
        assertThat(IdentityText.parse(Base64.getEncoder().encodeToString(ed25519.getPrivate().getEncoded())).publicKey().toBytes())
                .isEqualTo(rawPublicKey(ed25519));
    }

    @Test
    void badEncodingIsRefusedWithoutQuotingTheSecret() {
        String secret = "not!base64?";
        assertThatThrownBy(() -> IdentityText.parse(secret)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the value is not base64 or base64url (nor PEM)").hasMessageNotContaining("!");
        assertThatThrownBy(() -> IdentityText.parse("   ")).hasMessage("is empty");
        assertThatThrownBy(() -> IdentityText.parse("-----BEGIN PRIVATE KEY-----\nAAAA\n"))
                .hasMessageStartingWith("is not well-formed PEM");
        assertThatThrownBy(() -> IdentityText.parse(Base64.getEncoder().encodeToString(new byte[20])))
                .hasMessage("decodes to 20 bytes, neither a 32-byte Ed25519 seed nor a PKCS#8 private key");
    }

    @Test
    void otherKeyTypesAreNamed() throws Exception {
        assertThatThrownBy(() -> IdentityText.parse(pem("PRIVATE KEY", keyPair("RSA").getPrivate().getEncoded())))
                .hasMessageStartingWith("is an RSA key; a Pilot identity is an Ed25519 key");
        assertThatThrownBy(() -> IdentityText.parse(pem("PRIVATE KEY", keyPair("EC").getPrivate().getEncoded())))
                .hasMessageStartingWith("is an EC (ECDSA) key");
        assertThatThrownBy(() -> IdentityText.parse(pem("PRIVATE KEY", keyPair("X25519").getPrivate().getEncoded())))
                .hasMessageStartingWith("is an X25519 key");
        assertThatThrownBy(() -> IdentityText.parse(pem("OPENSSH PRIVATE KEY", new byte[64])))
                .hasMessageStartingWith("is an OpenSSH private key");
        assertThatThrownBy(() -> IdentityText.parse(pem("ENCRYPTED PRIVATE KEY", new byte[64])))
                .hasMessageStartingWith("is an encrypted private key");
        assertThatThrownBy(() -> IdentityText.parse(pem("RSA PRIVATE KEY", new byte[64])))
                .hasMessageStartingWith("is a RSA key");
        assertThatThrownBy(() -> IdentityText.parse(pem("PUBLIC KEY", keyPair("Ed25519").getPublic().getEncoded())))
                .hasMessage("holds a PEM 'PUBLIC KEY', not a 'PRIVATE KEY'");
    }

    @Test
    void aPemFileIsLoadedAndABadOneNamesTheFile() throws Exception {
        KeyPair ed25519 = keyPair("Ed25519");
        Path good = dir.resolve("node.pem");
        Files.writeString(good, pem("PRIVATE KEY", ed25519.getPrivate().getEncoded()));
        Files.setPosixFilePermissions(good, PosixFilePermissions.fromString("rw-------"));
        assertThat(IdentityStore.load(good).publicKey().toBytes()).isEqualTo(rawPublicKey(ed25519));

        Path rsa = dir.resolve("rsa.pem");
        Files.writeString(rsa, pem("PRIVATE KEY", keyPair("RSA").getPrivate().getEncoded()));
        Files.setPosixFilePermissions(rsa, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> IdentityStore.loadOrCreate(rsa, new SecureRandom())).isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("identity file " + rsa + ": is an RSA key");
        assertThat(Files.readString(rsa)).startsWith("-----BEGIN PRIVATE KEY-----");
    }
}
