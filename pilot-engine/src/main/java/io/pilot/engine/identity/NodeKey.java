package io.pilot.engine.identity;

import io.pilot.engine.address.PilotAddress;

import io.pilot.engine.crypto.Ed25519;
import io.pilot.engine.crypto.Sha256;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A node's public Ed25519 key: what the node is. Its {@link #nodeNumber() node number} (the
 * address) is derived from it, so the address is permanent for as long as the key is kept.
 */
public final class NodeKey {

    /** Length of an Ed25519 public key. */
    public static final int LENGTH = Ed25519.PUBLIC_KEY_SIZE;

    /** Length of an Ed25519 signature. */
    public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

    private static final byte[] ADDRESS_DOMAIN = "pilot/address/v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;
    private final long nodeNumber;

    private NodeKey(byte[] key) {
        this.key = key;
        this.nodeNumber = deriveNodeNumber(key);
    }

    /**
     * Wraps 32 bytes of an Ed25519 public key.
     *
     * @throws IllegalArgumentException if the length is wrong or the bytes are not a point on the curve
     */
    public static NodeKey of(byte[] key) {
        if (key == null || key.length != LENGTH) {
            throw new IllegalArgumentException("an Ed25519 public key is " + LENGTH + " bytes, got "
                    + (key == null ? "none" : key.length));
        }
        if (!Ed25519.isValidPublicKey(key)) {
            throw new IllegalArgumentException("not a valid Ed25519 public key");
        }
        return new NodeKey(key.clone());
    }

    /**
     * The key {@code key} if it signed {@code message} with {@code signature}, or null if the signature does not
     * verify: the key is checked as {@link #of} checks it and decoded once for the check and the verification
     * (doing them one after the other decodes it twice). For a key never met that proves itself by a signature,
     * as a handshake's responder sees one.
     *
     * @throws IllegalArgumentException as {@link #of} does, if the bytes are not a valid key
     */
    public static NodeKey ofSigner(byte[] key, byte[] message, byte[] signature) {
        if (key == null || key.length != LENGTH) {
            throw new IllegalArgumentException("an Ed25519 public key is " + LENGTH + " bytes, got "
                    + (key == null ? "none" : key.length));
        }
        Ed25519.CheckedKey checked = Ed25519.checkedKey(key);
        if (checked == null) {
            throw new IllegalArgumentException("not a valid Ed25519 public key");
        }
        return checked.verify(message, signature) ? new NodeKey(key.clone()) : null;
    }

    /**
     * The address that the key {@code key} would have in {@code realm}, the bytes not checked: for finding whether a
     * key received is one already met before spending a check on it.
     */
    public static PilotAddress addressOf(byte[] key, int realm) {
        if (key == null || key.length != LENGTH) {
            throw new IllegalArgumentException("an Ed25519 public key is " + LENGTH + " bytes");
        }
        return new PilotAddress(realm, deriveNodeNumber(key));
    }

    /** Whether {@code bytes} are this key's 32 bytes. */
    public boolean is(byte[] bytes) {
        return Arrays.equals(key, bytes);
    }

    /** Parses the unpadded URL-safe base64 form printed by {@link #toString()}. */
    public static NodeKey parse(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("node key '" + text + "' is not base64url: " + e.getMessage());
        }
        return of(bytes);
    }

    /** The 32 key bytes (a copy). */
    public byte[] toBytes() {
        return key.clone();
    }

    /** The 48-bit node number: the first 48 bits of SHA-256("pilot/address/v1" || key). */
    public long nodeNumber() {
        return nodeNumber;
    }

    /** This key's address in a realm. */
    public PilotAddress address(int realm) {
        return new PilotAddress(realm, nodeNumber);
    }

    /** Checks an Ed25519 signature by this key; never throws for malformed signatures. */
    public boolean verify(byte[] message, byte[] signature) {
        return Ed25519.verify(key, message, signature);
    }

    private static long deriveNodeNumber(byte[] key) {
        byte[] digest = Sha256.hash(ADDRESS_DOMAIN, key);
        long number = 0;
        for (int i = 0; i < 6; i++) {
            number = (number << 8) | (digest[i] & 0xFF);
        }
        return number;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NodeKey that && Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** Unpadded URL-safe base64, the form used in configuration ({@code pilot.backbone.key}) and the CLI. */
    @Override
    public String toString() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }
}
