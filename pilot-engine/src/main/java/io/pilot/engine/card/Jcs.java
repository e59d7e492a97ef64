package io.pilot.engine.card;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * The JSON Canonicalization Scheme (RFC 8785): one byte sequence for a JSON value whoever wrote it, so that a
 * signature over it survives re-serialization. Object members sorted by their names' UTF-16 code units (what
 * {@link String#compareTo} compares), no whitespace, strings escaped only where JSON requires it, numbers as
 * ECMAScript prints them.
 */
public final class Jcs {

    /** 2^53: beyond it an integer is no longer exact as an IEEE double, and JCS prints it as the double it is. */
    private static final BigInteger EXACT_INTEGER = BigInteger.ONE.shiftLeft(53);

    private Jcs() {
    }

    /** The canonical UTF-8 bytes of {@code value}. */
    public static byte[] canonicalize(JsonNode value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode value, StringBuilder out) {
        if (value.isObject()) {
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>(value.properties());
            members.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < members.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(members.get(i).getKey(), out);
                out.append(':');
                write(members.get(i).getValue(), out);
            }
            out.append('}');
        } else if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(value.get(i), out);
            }
            out.append(']');
        } else if (value.isString()) {
            string(value.asString(), out);
        } else if (value.isNumber()) {
            out.append(number(value));
        } else if (value.isBoolean()) {
            out.append(value.asBoolean());
        } else if (value.isNull()) {
            out.append("null");
        } else {
            throw new IllegalArgumentException("not JSON: a " + value.getNodeType() + " node");
        }
    }

    /** RFC 8785 §3.2.2.2: only '"', '\' and the controls are escaped, with the short forms where JSON has them. */
    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** An integer that a double holds exactly is printed as is; anything else as ECMAScript prints its double. */
    static String number(JsonNode value) {
        if (value.isIntegralNumber()) {
            BigInteger integer = value.bigIntegerValue();
            if (integer.abs().compareTo(EXACT_INTEGER) <= 0) {
                return integer.toString();
            }
        }
        return ecmascript(value.doubleValue());
    }

    /**
     * ECMAScript's Number.prototype.toString (ECMA-262 §7.1.12.1) of a double: its shortest digits laid out plainly
     * from 1e-6 up to 1e21, else in exponent form.
     */
    static String ecmascript(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("JSON has no " + value);
        }
        if (value == 0) {
            return "0"; // -0 too
        }
        BigDecimal decimal = shortest(Math.abs(value));
        String digits = decimal.unscaledValue().toString();
        int k = digits.length();
        int n = k - decimal.scale(); // value = 0.digits × 10^n
        StringBuilder out = new StringBuilder(value < 0 ? "-" : "");
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(n - 1 >= 0 ? "+" : "-").append(Math.abs(n - 1));
        }
        return out.toString();
    }

    /**
     * The fewest significant digits that read back as {@code value}, the closest such to it: the exact binary value
     * rounded to 1, 2, ... 17 digits until it round-trips. ({@link Double#toString} before Java 19 sometimes gives a
     * digit more than needed.)
     */
    private static BigDecimal shortest(double value) {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal rounded = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (rounded.doubleValue() == value) {
                return rounded.stripTrailingZeros();
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }
}
