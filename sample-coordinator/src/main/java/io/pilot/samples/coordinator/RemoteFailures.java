package io.pilot.samples.coordinator;

import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.PilotRemoteException;

import java.util.concurrent.CompletionException;

import org.springframework.http.HttpStatus;

/**
 * How a failed call to a specialist is told to the coordinator's own callers: as a line in the answer (its code
 * and the specialist's detail, not a Java message) and as an HTTP status when it fails a whole request.
 */
final class RemoteFailures {

    private RemoteFailures() {
    }

    /** {@code INVALID_ARGUMENT: 'quote': unknown currency XXX; …}; a failure that is not Pilot's, by its message. */
    static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof PilotRemoteException remote ? remote.code() + ": " + remote.detail() : String.valueOf(cause.getMessage());
    }

    /**
     * The status of an HTTP request that failed because a call did: the caller's mistake (400), nothing of that name
     * (404), no time left (504), a specialist busy or down for now (503); anything else the coordinator, as a gateway,
     * could not get a good answer for (502).
     */
    static HttpStatus httpStatus(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case DEADLINE_EXCEEDED, TIMEOUT -> HttpStatus.GATEWAY_TIMEOUT;
            case UNAVAILABLE, OVERLOADED -> HttpStatus.SERVICE_UNAVAILABLE;
            default -> HttpStatus.BAD_GATEWAY;
        };
    }
}
