package io.pilot.samples.specialists;

import io.pilot.engine.ErrorCode;
import io.pilot.engine.PilotException;
import io.pilot.samples.specialists.support.BadRequestException;
import io.pilot.spring.Capability;

import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.springframework.stereotype.Component;

/**
 * Gives the caller of a capability the specialist's own words when it refuses a request. Any other exception
 * reaches the caller as {@code SimpleClassName: message} (the engine's rendering of a failure, meant for
 * bugs); a refusal is not a bug, so it travels as a {@link PilotException}, whose message the engine passes on
 * as it is. A call without an argument is refused here too, once for every capability.
 */
@Aspect
@Component
class RejectedRequests {

    @Around("@within(io.pilot.spring.PilotAgent) && @annotation(capability)")
    Object refuseInTheCallersTerms(ProceedingJoinPoint call, Capability capability) throws Throwable {
        Object[] arguments = call.getArgs();
        if (arguments.length == 1 && arguments[0] == null) {
            throw refused(capability.value() + " needs a JSON object as its argument");
        }
        try {
            return call.proceed();
        } catch (BadRequestException e) {
            throw refused(e.getMessage());
        }
    }

    private static PilotException refused(String message) {
        return new PilotException(ErrorCode.REMOTE_FAILURE, message);
    }
}
