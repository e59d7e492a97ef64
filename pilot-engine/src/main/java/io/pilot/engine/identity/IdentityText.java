package io.pilot.engine.identity;

import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/**
 * Reads a node's key given as text, the way configuration and secret stores hold it:
 * <ul>
 * <li>PEM {@code PRIVATE KEY} (PKCS#8), what {@code openssl genpkey -algorithm ed25519} writes;</li>
 * <li>base64 or base64url of the 32-byte Ed25519 seed (the {@code private-key} line of an identity file);</li>
 * <li>base64 or base64url of the PKCS#8 DER ({@code openssl genpkey -algorithm ed25519 -outform DER | base64}).</li>
 * </ul>
 * Every refusal says what is wrong and never quotes the text: it is a private key.
 */
public final class IdentityText {

    /** id-Ed25519, RFC 8410. */
    private static final ASN1ObjectIdentifier ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

    /** Key algorithms people mistake for the one Pilot uses, by PKCS#8 algorithm identifier. */
    private static final Map<String, String> OTHER_ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "an RSA key",
            "1.2.840.10045.2.1", "an EC (ECDSA) key",
            "1.3.101.110", "an X25519 key",
            "1.3.101.111", "an X448 key",
            "1.3.101.113", "an Ed448 key");

    private IdentityText() {
    }

    /**
     * The identity the text holds.
     *
     * @throws IllegalArgumentException naming what is wrong (bad encoding, wrong key type, inconsistent key),
     *         without the text itself
     */
    public static Identity parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("-----BEGIN")) {
            return fromPem(trimmed);
        }
        return fromBase64(trimmed);
    }

    private static Identity fromPem(String text) {
        Matcher pem = PEM.matcher(text);
        if (!pem.find()) {
            throw new IllegalArgumentException("is not well-formed PEM (a '-----BEGIN ...-----' line, base64, and the "
                    + "matching '-----END ...-----' line)");
        }
        String label = pem.group(1);
        switch (label) {
            case "PRIVATE KEY" -> {
                return fromPkcs8(decode(pem.group(2), "the PEM body"));
            }
            case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
                    "is an encrypted private key; give the key unencrypted and keep it in a secret store or a file of mode 0600");
            case "OPENSSH PRIVATE KEY" -> throw new IllegalArgumentException(
                    "is an OpenSSH private key; give a PKCS#8 'PRIVATE KEY' (openssl genpkey -algorithm ed25519)");
            case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY" -> throw new IllegalArgumentException(
                    "is " + (label.startsWith("EC") ? "an " : "a ") + label.substring(0, label.indexOf(' '))
                            + " key; a Pilot identity is an Ed25519 key (openssl genpkey -algorithm ed25519)");
            default -> throw new IllegalArgumentException("holds a PEM '" + label + "', not a 'PRIVATE KEY'");
        }
    }

    private static Identity fromBase64(String text) {
        byte[] bytes = decode(text, "the value");
        if (bytes.length == Identity.SEED_LENGTH) {
            return Identity.fromSeed(bytes);
        }
        return fromPkcs8(bytes);
    }

    private static byte[] decode(String base64, String what) {
        String compact = base64.replaceAll("\\s", "");
        try {
            boolean urlSafe = compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0;
            return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(compact);
        } catch (IllegalArgumentException e) {
            // The decoder's own message quotes a character of the key: left out on purpose.
            throw new IllegalArgumentException(what + " is not base64 or base64url (nor PEM)");
        }
    }

    private static Identity fromPkcs8(byte[] der) {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("decodes to " + der.length + " bytes, neither a " + Identity.SEED_LENGTH
                    + "-byte Ed25519 seed nor a PKCS#8 private key");
        }
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (!algorithm.equals(ED25519)) {
            throw new IllegalArgumentException("is " + OTHER_ALGORITHMS.getOrDefault(algorithm.getId(),
                    "a key of algorithm " + algorithm.getId()) + "; a Pilot identity is an Ed25519 key (openssl genpkey -algorithm ed25519)");
        }
        byte[] seed;
        try {
            seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
        } catch (Exception e) {
            throw new IllegalArgumentException("is a damaged PKCS#8 Ed25519 key: its private key cannot be read");
        }
        if (seed.length != Identity.SEED_LENGTH) {
            throw new IllegalArgumentException("is a damaged PKCS#8 Ed25519 key: its private key has " + seed.length
                    + " bytes, expected " + Identity.SEED_LENGTH);
        }
        Identity identity = Identity.fromSeed(seed);
        if (info.getPublicKeyData() != null
                && !Arrays.equals(info.getPublicKeyData().getOctets(), identity.publicKey().toBytes())) {
            throw new IllegalArgumentException("is a damaged PKCS#8 Ed25519 key: its public key does not match its private key");
        }
        return identity;
    }
}
