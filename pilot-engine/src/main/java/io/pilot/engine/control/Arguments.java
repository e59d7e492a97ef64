package io.pilot.engine.control;

import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * The {@code args} object of a request, read with the checks every command needs: a missing or ill-typed
 * argument becomes a {@link ControlError#BAD_REQUEST} naming it, before the command touches the node.
 */
final class Arguments {

    private final JsonNode args;

    Arguments(JsonNode args) {
        this.args = args;
    }

    /** A required string argument, not blank. */
    String string(String name) {
        return optionalString(name).orElseThrow(() -> missing(name, "a string"));
    }

    Optional<String> optionalString(String name) {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isString() || value.stringValue().isBlank()) {
            throw wrongType(name, "a non-empty string");
        }
        return Optional.of(value.stringValue());
    }

    /** A required integer argument within {@code min..max}. */
    int integer(String name, int min, int max) {
        if (!has(name)) {
            throw missing(name, "an integer");
        }
        return integer(name, min, min, max);
    }

    /** An optional integer argument within {@code min..max}, {@code fallback} when absent. */
    int integer(String name, int fallback, int min, int max) {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw wrongType(name, "an integer from " + min + " to " + max);
        }
        return value.intValue();
    }

    boolean has(String name) {
        JsonNode value = args.get(name);
        return value != null && !value.isNull();
    }

    private static ControlException missing(String name, String what) {
        return new ControlException(ControlError.BAD_REQUEST, "missing argument '" + name + "' (" + what + ")");
    }

    private static ControlException wrongType(String name, String what) {
        return new ControlException(ControlError.BAD_REQUEST, "argument '" + name + "' must be " + what);
    }
}
