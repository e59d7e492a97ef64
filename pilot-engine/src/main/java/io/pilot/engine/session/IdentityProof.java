package io.pilot.engine.session;

import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The identity each side proves inside the Noise handshake: who it is (its Ed25519 node key), which realm
 * it is in, which run of the node this is (the boot id), and its signature over the Noise static key and
 * this handshake's hash. Noise proves possession of the static key; the signature binds that static key to
 * the node key, so the peer's address is authenticated by the handshake itself. Signing the handshake hash
 * (both ephemeral keys are in it) makes each proof good for one handshake only: one captured from a
 * handshake, even together with the Noise static key it names, proves nothing in another.
 *
 * <pre>
 * version u8 (2) | realm u16 | node_key[32] | boot_id u64 | signature[64]
 * signature = Ed25519(node key, "pilot/static-key/v2" | noise_static[32] | boot_id u64 | realm u16 | h[32])
 * h = the Noise handshake hash just before this payload is encrypted ({@code HandshakeState.hashBeforePayload})
 * </pre>
 */
public record IdentityProof(int realm, NodeKey nodeKey, long bootId, byte[] signature) {

    public static final int LENGTH = 1 + 2 + NodeKey.LENGTH + 8 + NodeKey.SIGNATURE_LENGTH;

    private static final int VERSION = 2;
    private static final byte[] DOMAIN = "pilot/static-key/v2".getBytes(StandardCharsets.US_ASCII);

    /**
     * Signs a proof for a node's Noise static key within one handshake: one signature per handshake message
     * that carries a proof.
     *
     * @param handshakeHash the handshake hash at the point the proof is encrypted
     */
    public static IdentityProof create(Identity identity, int realm, long bootId, byte[] noiseStatic, byte[] handshakeHash) {
        return new IdentityProof(realm, identity.publicKey(), bootId,
                identity.sign(signedBytes(noiseStatic, bootId, realm, handshakeHash)));
    }

    /**
     * Parses a received payload; nothing in it is checked but its layout.
     *
     * @throws IllegalArgumentException if it is malformed (wrong length or version)
     */
    public static Received decode(byte[] payload) {
        if (payload.length != LENGTH) {
            throw new IllegalArgumentException("identity payload is " + payload.length + " bytes, expected " + LENGTH);
        }
        ByteBuffer in = ByteBuffer.wrap(payload);
        int version = in.get() & 0xFF;
        if (version != VERSION) {
            throw new IllegalArgumentException("identity payload version " + version + " is not " + VERSION);
        }
        int realm = in.getShort() & 0xFFFF;
        byte[] key = new byte[NodeKey.LENGTH];
        in.get(key);
        long bootId = in.getLong();
        byte[] signature = new byte[NodeKey.SIGNATURE_LENGTH];
        in.get(signature);
        return new Received(realm, key, bootId, signature);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(LENGTH).put((byte) VERSION).putShort((short) realm).put(nodeKey.toBytes())
                .putLong(bootId).put(signature).array();
    }

    /**
     * A proof as received: its key is 32 bytes that may not even be a key until {@link #verify} says so.
     */
    public record Received(int realm, byte[] key, long bootId, byte[] signature) {

        /**
         * The proof, if its signature binds its node key to the Noise static key the peer proved it holds within
         * the handshake whose hash (at the point the proof was decrypted) is {@code handshakeHash}; null if it
         * does not.
         *
         * @param known the key this node expects (the peer it meant to reach), or null: when the proof names
         *              it, the key is not checked again (it was when it became known), only the signature
         * @throws IllegalArgumentException if the key is not a valid Ed25519 public key
         */
        public IdentityProof verify(byte[] noiseStatic, byte[] handshakeHash, NodeKey known) {
            byte[] signed = signedBytes(noiseStatic, bootId, realm, handshakeHash);
            NodeKey nodeKey;
            if (known != null && known.is(key)) {
                nodeKey = known.verify(signed, signature) ? known : null;
            } else {
                nodeKey = NodeKey.ofSigner(key, signed, signature);
            }
            return nodeKey == null ? null : new IdentityProof(realm, nodeKey, bootId, signature);
        }
    }

    private static byte[] signedBytes(byte[] noiseStatic, long bootId, int realm, byte[] handshakeHash) {
        return ByteBuffer.allocate(DOMAIN.length + noiseStatic.length + 8 + 2 + handshakeHash.length).put(DOMAIN)
                .put(noiseStatic).putLong(bootId).putShort((short) realm).put(handshakeHash).array();
    }
}
