package io.pilot.spring.capability;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;
import io.pilot.spring.PilotCapabilityException;
import io.pilot.spring.PilotProblem;
import io.pilot.spring.PilotProblem.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.util.ClassUtils;

/**
 * Turns what a capability call failed with into the error reply its caller receives: a code and a
 * {@link PilotProblem} document. The caller's mistakes ({@link PilotCapabilityException#invalidArgument}, an
 * {@link IllegalArgumentException}, a Bean Validation violation) answer INVALID_ARGUMENT with their detail; a
 * {@link PilotCapabilityException} or a {@link PilotException} answers its own code; anything else is a bug the
 * caller cannot fix: INTERNAL, logged here at WARN with the trace id, and told to the caller without its class or
 * message unless {@code includeDetails} (they may hold what the caller must not see: SQL, paths, secrets).
 */
public final class CapabilityFailures {

    private static final Logger log = LoggerFactory.getLogger(CapabilityFailures.class);

    private static final boolean BEAN_VALIDATION = ClassUtils.isPresent("jakarta.validation.ConstraintViolationException",
            CapabilityFailures.class.getClassLoader());

    private final boolean includeDetails;

    /** @param includeDetails whether an INTERNAL error tells the caller the exception's class and message */
    public CapabilityFailures(boolean includeDetails) {
        this.includeDetails = includeDetails;
    }

    /** What failed, out of the wrappers a stage or an executor put it in. */
    static Throwable cause(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * The error reply to send for {@code failure}.
     *
     * @param capability the capability called, or null if the request named none known here
     * @param traceId the call's trace ({@link #traceId}), or null
     */
    public PilotException reply(Throwable failure, String capability, String traceId) {
        Throwable cause = cause(failure);
        ErrorCode code;
        String detail;
        List<FieldError> fields = List.of();
        if (cause instanceof PilotCapabilityException refused) {
            code = refused.code();
            detail = refused.detail();
            fields = refused.fieldErrors();
        } else if (cause instanceof PilotException pilot) {
            // Its own, or a call this capability made failed: the code stands, the detail without the other's document.
            code = pilot.code();
            detail = PilotProblem.read(pilot.reply(), code).map(PilotProblem::detail).orElse(pilot.getMessage());
        } else if (cause instanceof IllegalArgumentException invalid) {
            code = ErrorCode.INVALID_ARGUMENT;
            detail = invalid.getMessage() == null ? "the argument was refused" : invalid.getMessage();
        } else if (BEAN_VALIDATION && MethodValidation.isViolation(cause)) {
            code = ErrorCode.INVALID_ARGUMENT;
            fields = MethodValidation.fields(cause);
            detail = "the argument of '" + capability + "' is invalid: " + MethodValidation.describe(fields);
        } else {
            code = ErrorCode.INTERNAL;
            log.warn("Capability '{}' failed (trace {}); its caller is answered INTERNAL", capability, traceId, cause);
            detail = includeDetails ? cause.getClass().getName() + ": " + cause.getMessage()
                    : "the capability failed; the serving agent's log has the details" + (traceId == null ? "" : " (trace " + traceId + ")");
        }
        if (code != ErrorCode.INTERNAL) {
            log.debug("Capability '{}' answered {} (trace {}): {}", capability, code, traceId, detail);
        }
        return new PilotException(code, detail, PilotProblem.of(code, detail, capability, traceId, fields).toMessage());
    }

    /**
     * The error reply for a call whose request was cancelled ({@code reason} {@code DEADLINE_EXCEEDED} or
     * {@code CANCELLED}), whatever the method did after it: the interrupt it got, or the cancelled result, is no bug.
     * The node has answered the caller already (or the caller is gone); this is what the call is observed as.
     */
    public PilotException cancelled(ErrorCode reason, String capability, String traceId) {
        String detail = reason == ErrorCode.DEADLINE_EXCEEDED ? "the caller's deadline passed before the capability answered"
                : "the caller cancelled the call";
        log.debug("Capability '{}' cancelled (trace {}): {}", capability, traceId, detail);
        return new PilotException(reason, detail, PilotProblem.of(reason, detail, capability, traceId, List.of()).toMessage());
    }

    /**
     * The trace a request belongs to: the trace id of its {@code traceparent} header (W3C Trace Context: the server's span
     * continues that trace), else the one tracing put in the logging context of the current thread, if any.
     */
    public static String traceId(String traceparent) {
        if (traceparent != null) {
            // version-traceid-parentid-flags, read in place: this runs for every request served
            int first = traceparent.indexOf('-');
            int second = first < 0 ? -1 : traceparent.indexOf('-', first + 1);
            int third = second < 0 ? -1 : traceparent.indexOf('-', second + 1);
            if (third >= 0 && third < traceparent.length() - 1 && traceparent.indexOf('-', third + 1) < 0 && second - first - 1 == TRACE_ID_LENGTH
                    && isHex(traceparent, first + 1, second)) {
                return traceparent.substring(first + 1, second);
            }
        }
        return MDC.get("traceId");
    }

    /** The trace id's length in a {@code traceparent}: 16 bytes in hex. */
    private static final int TRACE_ID_LENGTH = 32;

    private static boolean isHex(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Bean Validation's method validation ({@code @Validated} beans), read only when it is on the class path. */
    private static final class MethodValidation {

        static boolean isViolation(Throwable failure) {
            return failure instanceof ConstraintViolationException;
        }

        static List<FieldError> fields(Throwable violations) {
            List<FieldError> fields = new ArrayList<>();
            for (ConstraintViolation<?> violation : ((ConstraintViolationException) violations).getConstraintViolations()) {
                fields.add(new FieldError(String.valueOf(violation.getPropertyPath()),
                        violation.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName(), violation.getMessage()));
            }
            return fields;
        }

        static String describe(List<FieldError> fields) {
            return String.join(", ", fields.stream().map(f -> "'" + f.field() + "' " + f.message() + " (" + f.rule() + ")").toList());
        }
    }
}
