package io.pilot.engine.identity;

import java.security.SecureRandom;
import java.util.Arrays;
import io.pilot.engine.crypto.Ed25519;

/**
 * A node's Ed25519 key pair. Whoever holds it is the node: the address is derived from the public
 * half. Created on first start and persisted by {@link IdentityStore}.
 */
public final class Identity {

    /** Length of the private seed. */
    public static final int SEED_LENGTH = Ed25519.PRIVATE_KEY_SIZE;

    private final byte[] seed;
    /** Kept beside the seed so that signing need not derive it again (half a signature's work). */
    private final byte[] publicKeyBytes;
    private final NodeKey publicKey;

    private Identity(byte[] seed) {
        this.seed = seed;
        this.publicKeyBytes = Ed25519.publicKey(seed);
        this.publicKey = NodeKey.of(publicKeyBytes);
    }

    /** A fresh identity from a strong random source. */
    public static Identity generate(SecureRandom random) {
        return new Identity(Ed25519.generatePrivateKey(random));
    }

    /** An identity from its 32-byte private seed (copied). */
    public static Identity fromSeed(byte[] seed) {
        if (seed == null || seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 private seed is " + SEED_LENGTH + " bytes");
        }
        return new Identity(seed.clone());
    }

    public NodeKey publicKey() {
        return publicKey;
    }

    /** Signs a message (pure Ed25519, deterministic). */
    public byte[] sign(byte[] message) {
        return Ed25519.sign(seed, publicKeyBytes, message);
    }

    /** The private seed (a copy), for {@link IdentityStore} only. */
    byte[] seed() {
        return seed.clone();
    }

    /** Whether two identities hold the same key pair. */
    public boolean sameKeyAs(Identity other) {
        return Arrays.equals(seed, other.seed);
    }

    @Override
    public String toString() {
        return "Identity[" + publicKey + "]";
    }
}
