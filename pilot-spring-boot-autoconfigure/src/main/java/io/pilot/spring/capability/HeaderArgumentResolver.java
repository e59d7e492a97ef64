package io.pilot.spring.capability;

import io.pilot.spring.PilotCapabilityException;
import io.pilot.spring.PilotProblem.FieldError;

import org.springframework.core.MethodParameter;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.convert.ConversionService;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.support.HeaderMethodArgumentResolver;

/**
 * Spring's {@code @Header} binding, its failures the caller's: a missing required header, or one that does not
 * convert to the parameter's type, is an INVALID_ARGUMENT naming the header (Spring's own resolver would fail with a
 * MessageHandlingException, an internal error).
 */
final class HeaderArgumentResolver extends HeaderMethodArgumentResolver {

    HeaderArgumentResolver(ConversionService conversion) {
        super(conversion, null);
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, Message<?> message) throws Exception {
        try {
            return super.resolveArgument(parameter, message);
        } catch (ConversionException e) {
            throw invalid(message, new FieldError(name(parameter), "type",
                    "(a header) must be " + ArgumentShape.describe(parameter.nestedIfOptional().getNestedParameterType())));
        }
    }

    @Override
    protected void handleMissingValue(String headerName, MethodParameter parameter, Message<?> message) {
        throw invalid(message, new FieldError(headerName, "required", "is a required header"));
    }

    private static PilotCapabilityException invalid(Message<?> message, FieldError error) {
        return ArgumentShape.invalid(CapabilityRequests.capability(message), error);
    }

    private static String name(MethodParameter parameter) {
        Header header = parameter.getParameterAnnotation(Header.class);
        if (header != null && !header.value().isEmpty()) {
            return header.value();
        }
        if (header != null && !header.name().isEmpty()) {
            return header.name();
        }
        return parameter.getParameterName();
    }
}
