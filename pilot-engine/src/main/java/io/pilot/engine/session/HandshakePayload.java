package io.pilot.engine.session;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What each side encrypts into its Noise handshake message: its {@link IdentityProof}, one byte of flags and a
 * connection number. Neither needs a signature of its own: they travel inside the Noise transcript that the
 * sender's static key authenticates.
 *
 * <pre>
 * identity_proof[107] | flags u8 | connection u48
 * flags bit 0 (FRESH_CONNECTION): the initiator has no live connection with the responder (none, closed, or the
 *                                 responder restarted) and asks for a new one.
 * other bits: zero
 * connection: the connection number the initiator holds with the responder (PROTOCOL.md §4.12), below
 *             ConnectionNumbers.LIMIT (2^48 - 1 - 2^32), else the payload is malformed.
 * In message 2 (the responder's) flags and connection are zero: the responder does not know the initiator yet.
 * </pre>
 */
record HandshakePayload(IdentityProof proof, boolean freshConnection, long connectionNumber) {

    /** A payload as received: its proof parsed, not yet verified ({@link ProofCheck} does). */
    record Received(IdentityProof.Received proof, boolean freshConnection, long connectionNumber) {

        HandshakePayload verified(IdentityProof verified) {
            return new HandshakePayload(verified, freshConnection, connectionNumber);
        }
    }

    static final int LENGTH = IdentityProof.LENGTH + 1 + ConnectionNumbers.LENGTH;
    private static final int FRESH_CONNECTION = 1;

    static byte[] encode(byte[] encodedProof, boolean freshConnection, long connectionNumber) {
        byte[] payload = Arrays.copyOf(encodedProof, LENGTH);
        payload[IdentityProof.LENGTH] = (byte) (freshConnection ? FRESH_CONNECTION : 0);
        ConnectionNumbers.put(ByteBuffer.wrap(payload, IdentityProof.LENGTH + 1, ConnectionNumbers.LENGTH), connectionNumber);
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
        long number = ConnectionNumbers.get(ByteBuffer.wrap(payload, IdentityProof.LENGTH + 1, ConnectionNumbers.LENGTH));
        if (!ConnectionNumbers.acceptable(number)) {
            throw new IllegalArgumentException("connection number " + number + " leaves no room to grow");
        }
        return new Received(IdentityProof.decode(Arrays.copyOf(payload, IdentityProof.LENGTH)),
                (flags & FRESH_CONNECTION) != 0, number);
    }
}
