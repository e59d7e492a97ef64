package io.pilot.engine.schema;

/**
 * One way an argument breaks its capability's input schema.
 *
 * @param field where, as a path into the argument ({@code citations[0].year}); empty for the argument as a whole
 * @param rule the JSON Schema keyword it breaks: {@code required}, {@code type}, {@code enum}, {@code format}...
 * @param message what is wrong, in words, without the path
 */
public record Violation(String field, String rule, String message) {

    @Override
    public String toString() {
        return (field.isEmpty() ? "the argument" : "'" + field + "'") + " " + message + " (" + rule + ")";
    }
}
