package io.pilot.spring.capability;

import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.PilotCapabilityException;
import io.pilot.spring.PilotProblem.FieldError;

import java.time.LocalDate;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Says what is wrong with an argument that does not map to its parameter, in the caller's terms: the field's path
 * and the shape it needed ("a number", "an array"), never Jackson's own message, which names the server's classes.
 */
final class ArgumentShape {

    private ArgumentShape() {
    }

    /** The body is not JSON at all. */
    static PilotCapabilityException notJson(String capability, JacksonException e) {
        TokenStreamLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 0 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return PilotCapabilityException.invalidArgument("the argument of '" + capability + "' is not valid JSON" + where);
    }

    /**
     * The JSON does not map to the parameter.
     *
     * @param field the parameter's field in the body ({@code amount}), or its name when the body is the parameter
     * @param bodyIsParameter whether the body is the parameter (a path inside it then starts at the body)
     */
    static PilotCapabilityException mismatch(String capability, String field, boolean bodyIsParameter, JacksonException e) {
        if (e instanceof StreamReadException && !(e instanceof MismatchedInputException)) {
            return notJson(capability, e);
        }
        String path = path(e.getPath());
        String name = path.isEmpty() ? field : bodyIsParameter ? path : field + (path.startsWith("[") ? "" : ".") + path;
        FieldError error;
        if (e instanceof UnrecognizedPropertyException) {
            error = new FieldError(name, "unknown", "is not a field of the argument");
        } else if (e instanceof MismatchedInputException mismatched) {
            error = new FieldError(name, "type", "must be " + describe(mismatched.getTargetType()));
        } else {
            error = new FieldError(name, "type", "does not fit the parameter");
        }
        return invalid(capability, error);
    }

    /** A required field is missing (or null). */
    static PilotCapabilityException missing(String capability, String field) {
        return invalid(capability, new FieldError(field, "required", "is required"));
    }

    static PilotCapabilityException invalid(String capability, FieldError error) {
        return new PilotCapabilityException(ErrorCode.INVALID_ARGUMENT, "the argument of '" + capability + "' is invalid: '"
                + error.field() + "' " + error.message(), List.of(error), null);
    }

    private static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : references) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** The JSON shape a Java type reads from, in words. */
    static String describe(Class<?> type) {
        if (type == null) {
            return "of another shape";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isPrimitive() && type != char.class || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
        }
        if (type == LocalDate.class) {
            return "a date like 2024-03-15";
        }
        if (TemporalAccessor.class.isAssignableFrom(type) || TemporalAmount.class.isAssignableFrom(type)) {
            return "an ISO 8601 time, like 2024-03-15T10:15:30Z or PT5M";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || !type.getName().startsWith("java.")) {
            return "an object";
        }
        return "a value of another shape";
    }
}
