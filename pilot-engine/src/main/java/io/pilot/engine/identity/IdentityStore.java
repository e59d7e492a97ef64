package io.pilot.engine.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a node's identity in a file: created on first start (mode 0600, written to a temporary file,
 * synced, then renamed into place), reloaded on every start after that.
 *
 * <p>A file that is corrupt, truncated, or readable by others stops the node with an
 * {@link IdentityException} naming the file and the problem. It is never replaced silently: the key is
 * the address.
 *
 * <p>The format is four lines of text so an operator can tell what the file is:
 * <pre>
 * # Pilot node identity. ...
 * version: 1
 * private-key: &lt;base64url Ed25519 seed&gt;
 * public-key: &lt;base64url Ed25519 public key&gt;
 * </pre>
 * The public key is redundant on purpose: it must match the one derived from the seed, which catches
 * a damaged file. A PEM {@code PRIVATE KEY} (PKCS#8 Ed25519, read by {@link IdentityText}) is loaded too, so a
 * key made with {@code openssl genpkey -algorithm ed25519} or mounted from a secret store can be used as it is.
 */
public final class IdentityStore {

    private static final String HEADER = "# Pilot node identity. It is this node's permanent address: keep it secret (mode 0600).";
    private static final int MAX_FILE_SIZE = 4096;
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private IdentityStore() {
    }

    /** Loads the identity at {@code file}, or creates and persists a new one if there is no file. */
    public static Identity loadOrCreate(Path file, SecureRandom random) {
        if (Files.exists(file)) {
            return load(file);
        }
        Identity identity = Identity.generate(random);
        try {
            write(file, identity);
        } catch (FileAlreadyExistsException raced) {
            return load(file);
        } catch (IOException e) {
            throw new IdentityException(file, "cannot be created: " + e.getMessage(), e);
        }
        return identity;
    }

    /** Loads an existing identity file. */
    public static Identity load(Path file) {
        checkPermissions(file);
        byte[] raw;
        try {
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new IdentityException(file, "is larger than " + MAX_FILE_SIZE + " bytes; this is not an identity file");
            }
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IdentityException(file, "does not exist", e);
        } catch (IOException e) {
            throw new IdentityException(file, "cannot be read: " + e.getMessage(), e);
        }
        return parse(file, new String(raw, StandardCharsets.UTF_8));
    }

    /**
     * Writes a new identity file; refuses to overwrite an existing one (rotating a key is an explicit
     * act: move the old file away first).
     */
    public static void write(Path file, Identity identity) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        String text = HEADER + "\n"
                + "version: 1\n"
                + "private-key: " + Base64.getUrlEncoder().withoutPadding().encodeToString(identity.seed()) + "\n"
                + "public-key: " + identity.publicKey() + "\n";
        Path temp = parent.resolve("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(temp);
        createOwnerOnly(temp);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        try {
            // A hard link appears atomically and, unlike a rename, never replaces a file that another
            // process created meanwhile: two nodes starting at once cannot both win.
            Files.createLink(file, temp);
            syncDirectory(parent);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms cannot open a directory; the file itself was synced before the link.
        }
    }

    private static void createOwnerOnly(Path temp) throws IOException {
        if (isPosix(temp.getParent())) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(temp);
        }
    }

    private static boolean isPosix(Path path) {
        return Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
    }

    private static void checkPermissions(Path file) {
        if (!Files.exists(file) || !isPosix(file)) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> others = EnumSet.copyOf(permissions);
            others.removeAll(OWNER_ONLY);
            others.remove(PosixFilePermission.OWNER_EXECUTE);
            if (!others.isEmpty()) {
                throw new IdentityException(file, "is accessible to other users (" + PosixFilePermissions.toString(permissions)
                        + "); the private key may have leaked. If it has not, run: chmod 600 " + file);
            }
        } catch (IOException e) {
            throw new IdentityException(file, "cannot read its permissions: " + e.getMessage(), e);
        }
    }

    private static Identity parse(Path file, String text) {
        if (text.strip().startsWith("-----BEGIN")) {
            // A key made with openssl or kept in a secret store, mounted as a file.
            try {
                return IdentityText.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IdentityException(file, e.getMessage());
            }
        }
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IdentityException(file, "is corrupt: line '" + abbreviate(line) + "' is not 'name: value'");
            }
            fields.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        String version = fields.get("version");
        if (version == null) {
            throw new IdentityException(file, "is not a Pilot identity file (no 'version' line) or is truncated");
        }
        if (!version.equals("1")) {
            throw new IdentityException(file, "has version " + abbreviate(version) + "; this build reads version 1");
        }
        byte[] seed = decode(file, fields, "private-key", Identity.SEED_LENGTH);
        byte[] publicKey = decode(file, fields, "public-key", NodeKey.LENGTH);
        Identity identity = Identity.fromSeed(seed);
        if (!Arrays.equals(identity.publicKey().toBytes(), publicKey)) {
            throw new IdentityException(file, "is corrupt: the public key does not match the private key");
        }
        return identity;
    }

    private static byte[] decode(Path file, Map<String, String> fields, String name, int length) {
        String value = fields.get(name);
        if (value == null) {
            throw new IdentityException(file, "is truncated or corrupt: the '" + name + "' line is missing");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IdentityException(file, "is corrupt: '" + name + "' is not base64url");
        }
        if (bytes.length != length) {
            throw new IdentityException(file, "is corrupt: '" + name + "' has " + bytes.length + " bytes, expected " + length);
        }
        return bytes;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
