package io.pilot.engine.identity;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.StandardOpenOption;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityStoreTests {

    @TempDir
    Path dir;

    private final SecureRandom random = new SecureRandom();

    @Test
    void createsOwnerOnlyFileOnFirstStartAndReloadsTheSameKey() throws IOException {
        Path file = dir.resolve("nested/identity.key");
        Identity created = IdentityStore.loadOrCreate(file, random);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Identity reloaded = IdentityStore.loadOrCreate(file, random);
        assertThat(reloaded.sameKeyAs(created)).isTrue();
        assertThat(reloaded.publicKey()).isEqualTo(created.publicKey());
        assertThat(reloaded.publicKey().address(0)).isEqualTo(created.publicKey().address(0));
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void refusesAWorldReadableFileWithoutTouchingIt() throws IOException {
        Path file = dir.resolve("identity.key");
        IdentityStore.loadOrCreate(file, random);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        byte[] before = Files.readAllBytes(file);
        assertThatExceptionOfType(IdentityException.class).isThrownBy(() -> IdentityStore.loadOrCreate(file, random))
                .withMessageContaining(file.toString())
                .withMessageContaining("accessible to other users")
                .withMessageContaining("chmod 600");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void refusesATruncatedFile() throws IOException {
        Path file = dir.resolve("identity.key");
        IdentityStore.loadOrCreate(file, random);
        String text = Files.readString(file);
        overwrite(file, text.substring(0, text.indexOf("public-key")));
        assertThatExceptionOfType(IdentityException.class).isThrownBy(() -> IdentityStore.load(file))
                .withMessageContaining("'public-key' line is missing");
    }

    @Test
    void refusesAFileWhoseKeysDoNotMatch() throws IOException {
        Path file = dir.resolve("identity.key");
        IdentityStore.loadOrCreate(file, random);
        String other = "public-key: " + Identity.generate(random).publicKey();
        overwrite(file, Files.readString(file).replaceAll("public-key: .*", other));
        assertThatExceptionOfType(IdentityException.class).isThrownBy(() -> IdentityStore.load(file))
                .withMessageContaining("public key does not match the private key");
    }

    @Test
    void refusesGarbageAndEmptyFiles() throws IOException {
        Path file = dir.resolve("identity.key");
        Files.write(file, new byte[] {0x00, (byte) 0xFF, 0x13, 0x37}, StandardOpenOption.CREATE_NEW);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatExceptionOfType(IdentityException.class).isThrownBy(() -> IdentityStore.loadOrCreate(file, random))
                .withMessageContaining("corrupt");
        overwrite(file, "");
        assertThatExceptionOfType(IdentityException.class).isThrownBy(() -> IdentityStore.loadOrCreate(file, random))
                .withMessageContaining("no 'version' line");
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void refusesABadBase64Key() throws IOException {
        Path file = dir.resolve("identity.key");
        IdentityStore.loadOrCreate(file, random);
        overwrite(file, Files.readString(file).replaceAll("private-key: .*", "private-key: not*base64"));
        assertThatExceptionOfType(IdentityException.class).isThrownBy(() -> IdentityStore.load(file))
                .withMessageContaining("'private-key' is not base64url");
    }

    @Test
    void neverOverwritesAnExistingFile() {
        Path file = dir.resolve("identity.key");
        IdentityStore.loadOrCreate(file, random);
        assertThatExceptionOfType(FileAlreadyExistsException.class)
                .isThrownBy(() -> IdentityStore.write(file, Identity.generate(random)));
    }

    @Test
    void signaturesVerifyOnlyForTheSigningKeyAndMessage() {
        Identity identity = Identity.generate(random);
        byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] signature = identity.sign(message);
        assertThat(identity.publicKey().verify(message, signature)).isTrue();
        assertThat(identity.publicKey().verify("hellO".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
        assertThat(Identity.generate(random).publicKey().verify(message, signature)).isFalse();
        assertThat(identity.publicKey().verify(message, new byte[3])).isFalse();
    }

    @Test
    void nodeKeyTextFormRoundTripsAndAddressIsStable() {
        NodeKey key = Identity.generate(random).publicKey();
        assertThat(NodeKey.parse(key.toString())).isEqualTo(key);
        assertThat(key.address(0).node()).isEqualTo(key.nodeNumber()).isBetween(0L, (1L << 48) - 1);
        assertThat(key.address(7).realm()).isEqualTo(7);
    }

    private static void overwrite(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
