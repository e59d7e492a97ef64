package io.pilot.spring;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;

import java.util.List;
import java.util.Optional;

/**
 * A capability call that failed: the remote method refused the argument or failed, nothing provides the
 * capability, the call timed out, or the peer could not be reached. {@link #code()} says which. When the serving
 * agent answered with a problem document ({@link PilotProblem}), its parts are here: {@link #title()},
 * {@link #detail()}, {@link #capability()}, {@link #traceId()}, {@link #type()} and {@link #fieldErrors()}.
 */
public class PilotRemoteException extends RuntimeException {

    private final ErrorCode code;
    private final PilotProblem problem;

    public PilotRemoteException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, null);
    }

    /** @param problem what the serving agent said of the failure, or null if it said it in plain text or not at all */
    public PilotRemoteException(ErrorCode code, String message, Throwable cause, PilotProblem problem) {
        super(message, cause);
        this.code = code;
        this.problem = problem;
    }

    /**
     * The failure of {@code what} (a capability, a target) that arrived as {@code failure}: its problem document
     * decoded when it carries one (the message then ends with the problem's detail), else its text as it is.
     */
    public static PilotRemoteException from(String what, PilotException failure) {
        Optional<PilotProblem> problem = PilotProblem.read(failure.reply(), failure.code());
        if (problem.isEmpty()) {
            return new PilotRemoteException(failure.code(), what + ": " + failure.getMessage(), failure);
        }
        return new PilotRemoteException(failure.code(), what + ": " + problem.get().detail(), failure, problem.get());
    }

    public ErrorCode code() {
        return code;
    }

    /** The problem document the serving agent answered with, if it answered with one. */
    public Optional<PilotProblem> problem() {
        return Optional.ofNullable(problem);
    }

    /** The kind of problem in words ("Invalid argument"), or null without a problem document. */
    public String title() {
        return problem == null ? null : problem.title();
    }

    /** What went wrong as the serving agent told it; without a problem document, the exception's message. */
    public String detail() {
        return problem == null ? getMessage() : problem.detail();
    }

    /** The capability the serving agent says was called, or null. */
    public String capability() {
        return problem == null ? null : problem.capability();
    }

    /** The trace the failed call belongs to, to find the serving agent's log lines, or null. */
    public String traceId() {
        return problem == null ? null : problem.traceId();
    }

    /** A URI naming the kind of problem ({@code urn:pilot:error:invalid-argument}), or null. */
    public String type() {
        return problem == null ? null : problem.type();
    }

    /** The fields of the argument the serving agent refused (empty unless the code is INVALID_ARGUMENT). */
    public List<PilotProblem.FieldError> fieldErrors() {
        return problem == null ? List.of() : problem.errors();
    }
}
