package io.pilot.engine.noise;

import java.util.Arrays;

/**
 * The two 32-byte transport keys produced by Noise {@code Split()}, exposed raw so the data plane
 * can build one {@link io.pilot.engine.crypto.PacketCipher} per direction. The initiator sends with
 * {@link #initiatorToResponder()} and the responder with {@link #responderToInitiator()}.
 *
 * <p>The arrays are not copied: the caller owns them and should {@link #destroy()} this record
 * once the ciphers are built.
 */
public record SplitKeys(byte[] initiatorToResponder, byte[] responderToInitiator) {

    /** Validates that both keys are 32 bytes. */
    public SplitKeys {
        if (initiatorToResponder == null || initiatorToResponder.length != 32
                || responderToInitiator == null || responderToInitiator.length != 32) {
            throw new IllegalArgumentException("split keys must be 32 bytes each");
        }
    }

    /** Zeroes both keys. */
    public void destroy() {
        Arrays.fill(initiatorToResponder, (byte) 0);
        Arrays.fill(responderToInitiator, (byte) 0);
    }
}
