package io.pilot.engine.session;

import java.util.Arrays;

/**
 * What each side encrypts into its Noise handshake message: its {@link IdentityProof} and one byte of
 * flags. The flags need no signature of their own: they travel inside the Noise transcript that the
 * sender's static key authenticates.
 *
 * <pre>
 * identity_proof[107] | flags u8
 * flags bit 0 (FRESH_CONNECTION): the sender starts a new transport connection with this handshake
 *                                 (it had none, or the peer restarted); the receiver must drop its own.
 * other bits: zero
 * </pre>
 */
record HandshakePayload(IdentityProof proof, boolean freshConnection) {

    /** A payload as received: its proof parsed, not yet verified ({@link ProofCheck} does). */
    record Received(IdentityProof.Received proof, boolean freshConnection) {

        HandshakePayload verified(IdentityProof verified) {
            return new HandshakePayload(verified, freshConnection);
        }
    }

    static final int LENGTH = IdentityProof.LENGTH + 1;
    private static final int FRESH_CONNECTION = 1;

    static byte[] encode(byte[] encodedProof, boolean freshConnection) {
        byte[] payload = Arrays.copyOf(encodedProof, LENGTH);
        payload[IdentityProof.LENGTH] = (byte) (freshConnection ? FRESH_CONNECTION : 0);
        return payload;
    }

    /** @throws IllegalArgumentException if malformed */
    static Received decode(byte[] payload) {
        if (payload.length != LENGTH) {
            throw new IllegalArgumentException("handshake payload is " + payload.length + " bytes, expected " + LENGTH);
        }
        int flags = payload[IdentityProof.LENGTH] & 0xFF;
        if ((flags & ~FRESH_CONNECTION) != 0) {
            throw new IllegalArgumentException("unknown handshake flags " + Integer.toBinaryString(flags));
        }
        return new Received(IdentityProof.decode(Arrays.copyOf(payload, IdentityProof.LENGTH)),
                (flags & FRESH_CONNECTION) != 0);
    }
}
