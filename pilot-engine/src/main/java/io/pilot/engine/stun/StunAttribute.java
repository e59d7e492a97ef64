package io.pilot.engine.stun;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One attribute as carried on the wire: a 16-bit type and its value without padding. Kept raw so a
 * decoded message still holds attributes this package does not interpret (the server must name the
 * comprehension-required ones it does not understand in a 420 answer); the typed views live on
 * {@link StunMessage}.
 */
public final class StunAttribute {

    public static final int MAPPED_ADDRESS = 0x0001;
    /** RFC 5780 (and RFC 3489): asks the server to answer from another address or port. */
    public static final int CHANGE_REQUEST = 0x0003;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    public static final int SOFTWARE = 0x8022;
    public static final int FINGERPRINT = 0x8028;

    /** RFC 8489 caps SOFTWARE and the ERROR-CODE reason phrase at 763 bytes (128 characters). */
    static final int MAX_TEXT_BYTES = 763;

    private final int type;
    private final byte[] value;

    StunAttribute(int type, byte[] value) {
        this.type = type;
        this.value = value;
    }

    public int type() {
        return type;
    }

    /** A copy of the value, padding excluded. */
    public byte[] value() {
        return value.clone();
    }

    int length() {
        return value.length;
    }

    byte[] rawValue() {
        return value;
    }

    /** Types below 0x8000 must be understood by the receiver; the others may be ignored. */
    public static boolean isComprehensionRequired(int type) {
        return type < 0x8000;
    }

    /**
     * Why a value of this type cannot be interpreted, or {@code null} when it can (or when the type is
     * not one this package interprets). Both the decoder and the builder use it, so every message either
     * side accepts can be read through {@link StunMessage}'s typed views without failing.
     */
    static String problem(int type, byte[] value) {
        return switch (type) {
            case MAPPED_ADDRESS, XOR_MAPPED_ADDRESS -> StunAddress.problem(value);
            case CHANGE_REQUEST -> value.length == 4 ? null : "CHANGE-REQUEST is not 4 bytes";
            case ERROR_CODE -> StunErrorCode.problem(value);
            case UNKNOWN_ATTRIBUTES -> value.length % 2 == 0 ? null : "UNKNOWN-ATTRIBUTES has an odd length";
            case SOFTWARE -> value.length <= MAX_TEXT_BYTES ? null : "SOFTWARE is longer than 763 bytes";
            default -> null;
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StunAttribute that && type == that.type && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return String.format("0x%04x[%s]", type, HexFormat.of().formatHex(value));
    }
}
