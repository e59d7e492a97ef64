package io.pilot.engine.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding. {@code new String(bytes, UTF_8)} turns malformed input into replacement characters,
 * so two different byte strings could decode to one name; every decoder of untrusted text uses this instead,
 * which refuses overlong forms, encoded surrogates and cut-off sequences.
 */
public final class StrictUtf8 {

    private StrictUtf8() {
    }

    /**
     * The text of all of {@code bytes}.
     *
     * @throws DecodeException if the bytes are not valid UTF-8
     */
    public static String decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes));
    }

    /**
     * The text of the buffer's remaining bytes, which it consumes.
     *
     * @throws DecodeException if the bytes are not valid UTF-8
     */
    public static String decode(ByteBuffer bytes) {
        try {
            return decoder().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new DecodeException("text is not UTF-8");
        }
    }

    /** A new decoder each time: decoders keep state and are not thread-safe. */
    private static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
