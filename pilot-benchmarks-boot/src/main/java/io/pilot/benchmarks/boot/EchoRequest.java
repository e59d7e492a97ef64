package io.pilot.benchmarks.boot;

/**
 * The argument of every benchmarked call, the same for the three transports.
 *
 * @param text opaque text; the runner sizes it so that the JSON form is {@value #JSON_LENGTH} characters
 */
public record EchoRequest(String text) {

    /** Length of the argument's JSON form, {@code {"text":"..."}}: the 64-character argument. */
    public static final int JSON_LENGTH = 64;

    /** An argument whose JSON form is exactly {@value #JSON_LENGTH} characters. */
    public static EchoRequest ofJsonLength() {
        return new EchoRequest("x".repeat(JSON_LENGTH - "{\"text\":\"\"}".length()));
    }
}
