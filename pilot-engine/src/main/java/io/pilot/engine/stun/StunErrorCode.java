package io.pilot.engine.stun;

import java.nio.charset.StandardCharsets;

/**
 * The ERROR-CODE attribute of an error response: a code from 300 to 699 and a reason phrase meant for
 * people. This package sends only {@link #UNKNOWN_ATTRIBUTE}; a client may receive any code. The
 * phrase's 763-byte limit is checked when a message is built, not here, so that a received phrase with
 * invalid UTF-8 (decoded with replacement characters, which may take more bytes) is still readable.
 */
public record StunErrorCode(int code, String reason) {

    /** The request carried comprehension-required attributes the server does not understand. */
    public static final int UNKNOWN_ATTRIBUTE = 420;

    public StunErrorCode {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("STUN error codes run from 300 to 699: " + code);
        }
    }

    /** 21 reserved zero bits, the class (hundreds) in 3 bits, the number (0-99) in 8 bits, the phrase. */
    byte[] encode() {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[4 + text.length];
        value[2] = (byte) (code / 100);
        value[3] = (byte) (code % 100);
        System.arraycopy(text, 0, value, 4, text.length);
        return value;
    }

    /** Decodes a value that {@link #problem} accepted. */
    static StunErrorCode decode(byte[] value) {
        int code = (value[2] & 0x07) * 100 + (value[3] & 0xFF);
        return new StunErrorCode(code, new String(value, 4, value.length - 4, StandardCharsets.UTF_8));
    }

    static String problem(byte[] value) {
        if (value.length < 4) {
            return "ERROR-CODE shorter than 4 bytes";
        }
        if (value.length - 4 > StunAttribute.MAX_TEXT_BYTES) {
            return "ERROR-CODE reason phrase longer than 763 bytes";
        }
        int errorClass = value[2] & 0x07;
        int number = value[3] & 0xFF;
        if (errorClass < 3 || errorClass > 6 || number > 99) {
            return "ERROR-CODE class " + errorClass + " number " + number + " is not a code from 300 to 699";
        }
        return null;
    }
}
