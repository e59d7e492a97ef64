package io.pilot.spring.capability;

import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.PilotCapabilityException;
import io.pilot.spring.PilotProblem.FieldError;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolver;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Binds the parameters that are the call's argument (those no other resolver claims) from the request's JSON body:
 * a method with one such parameter gets the whole body, as it always has; a method with several gets each from the
 * field of a JSON object named as the parameter (the build compiles with {@code -parameters}). A field absent or
 * null is refused unless the parameter is {@code Optional} or {@code @Nullable}; a field of the wrong shape is
 * refused naming it. Then {@link PayloadValidation} checks the value.
 */
final class PayloadArgumentResolver implements HandlerMethodArgumentResolver {

    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    private final JsonMapper mapper;
    private final PayloadValidation validation;
    /** The argument's parameters of each method, by name. */
    private final Map<Method, List<String>> payloads = new ConcurrentHashMap<>();

    PayloadArgumentResolver(JsonMapper mapper, PayloadValidation validation) {
        this.mapper = mapper;
        this.validation = validation;
    }

    /** Whether {@code parameter} is (part of) the argument: neither the caller nor a header. */
    static boolean isPayload(MethodParameter parameter) {
        return !CallerArgumentResolver.isCaller(parameter) && !parameter.hasParameterAnnotation(Header.class)
                && !parameter.hasParameterAnnotation(Headers.class);
    }

    /** The names of {@code method}'s parameters that are (part of) the argument, in order (null for a name not compiled in). */
    static List<String> payloadNames(Method method) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < method.getParameterCount(); i++) {
            MethodParameter parameter = new MethodParameter(method, i);
            parameter.initParameterNameDiscovery(NAMES);
            if (isPayload(parameter)) {
                names.add(parameter.getParameterName());
            }
        }
        return names;
    }

    private List<String> payloads(MethodParameter parameter) {
        return payloads.computeIfAbsent(parameter.getMethod(), PayloadArgumentResolver::payloadNames);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return isPayload(parameter);
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, Message<?> message) {
        String capability = CapabilityRequests.capability(message);
        JsonBody body = CapabilityRequests.body(message);
        JavaType type = mapper.constructType(parameter.getGenericParameterType());
        String name = parameter.getParameterName();
        boolean bodyIsParameter = payloads(parameter).size() == 1;
        Object value;
        if (bodyIsParameter) {
            if (body.isEmpty()) {
                if (parameter.isOptional()) {
                    return empty(parameter);
                }
                // A refusal: the caller sent nothing where the method expects an argument.
                throw new PilotCapabilityException(ErrorCode.INVALID_ARGUMENT, capability + " needs an argument (JSON), got none",
                        List.of(new FieldError(name, "required", "is required")), null);
            }
            try {
                value = mapper.readValue(body.bytes(), type);
            } catch (JacksonException e) {
                throw ArgumentShape.mismatch(capability, name, true, e);
            }
        } else {
            JsonNode tree = body.tree(capability);
            if (!tree.isObject()) {
                throw PilotCapabilityException.invalidArgument("the argument of '" + capability
                        + "' must be a JSON object with the fields " + payloads(parameter));
            }
            JsonNode field = tree.get(name);
            if (field == null || field.isNull()) {
                if (parameter.isOptional()) {
                    return empty(parameter);
                }
                throw ArgumentShape.missing(capability, name);
            }
            try {
                value = mapper.treeToValue(field, type);
            } catch (JacksonException e) {
                throw ArgumentShape.mismatch(capability, name, false, e);
            }
        }
        validation.validate(value, parameter, capability, bodyIsParameter ? "" : name);
        return value;
    }

    private static Object empty(MethodParameter parameter) {
        return parameter.getParameterType() == Optional.class ? Optional.empty() : null;
    }
}
