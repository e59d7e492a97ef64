package io.pilot.spring.capability;

import io.pilot.engine.address.PilotAddress;
import io.pilot.spring.PilotCaller;

import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolver;

/** Binds a {@link PilotCaller} or {@link PilotAddress} parameter to who sent the request. */
final class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    static boolean isCaller(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        return type == PilotCaller.class || type == PilotAddress.class;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return isCaller(parameter);
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, Message<?> message) {
        PilotCaller caller = CapabilityRequests.caller(message);
        return parameter.getParameterType() == PilotAddress.class ? caller.address() : caller;
    }
}
