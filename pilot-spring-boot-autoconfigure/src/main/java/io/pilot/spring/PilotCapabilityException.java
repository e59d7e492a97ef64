package io.pilot.spring;

import io.pilot.engine.message.ErrorCode;

import java.util.List;

/**
 * Thrown by a {@code @Capability} method to answer its caller with an error code of its choosing and a detail
 * written for the caller: the caller's {@link PilotRemoteException} carries both. Anything else a method throws
 * answers {@code INTERNAL} and tells the caller nothing of it, except an {@link IllegalArgumentException}, which
 * answers {@code INVALID_ARGUMENT} with its message.
 *
 * <pre>{@code
 * Rate rate = rates.get(pair);
 * if (rate == null) {
 *     throw PilotCapabilityException.notFound("no rate for " + pair);
 * }
 * }</pre>
 */
public class PilotCapabilityException extends RuntimeException {

    private final ErrorCode code;
    private final List<PilotProblem.FieldError> fieldErrors;

    public PilotCapabilityException(ErrorCode code, String detail) {
        this(code, detail, List.of(), null);
    }

    /** @param fieldErrors the fields of the argument the caller got wrong, sent to it in the problem document */
    public PilotCapabilityException(ErrorCode code, String detail, List<PilotProblem.FieldError> fieldErrors, Throwable cause) {
        super(detail, cause);
        if (code == null) {
            throw new IllegalArgumentException("a capability error needs a code");
        }
        this.code = code;
        this.fieldErrors = List.copyOf(fieldErrors);
    }

    /** The caller's argument is refused: it does not fit, fails validation or a precondition. */
    public static PilotCapabilityException invalidArgument(String detail) {
        return new PilotCapabilityException(ErrorCode.INVALID_ARGUMENT, detail);
    }

    /** What the request names does not exist here. */
    public static PilotCapabilityException notFound(String detail) {
        return new PilotCapabilityException(ErrorCode.NOT_FOUND, detail);
    }

    /** The capability cannot serve now for a reason that passes (a dependency down): the caller may retry later. */
    public static PilotCapabilityException unavailable(String detail) {
        return new PilotCapabilityException(ErrorCode.UNAVAILABLE, detail);
    }

    public ErrorCode code() {
        return code;
    }

    /** The detail the caller receives. */
    public String detail() {
        return getMessage();
    }

    public List<PilotProblem.FieldError> fieldErrors() {
        return fieldErrors;
    }
}
