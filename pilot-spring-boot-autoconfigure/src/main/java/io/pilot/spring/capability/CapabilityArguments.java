package io.pilot.spring.capability;

import java.util.function.Supplier;

import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.messaging.handler.annotation.support.HeadersMethodArgumentResolver;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolverComposite;
import org.springframework.validation.Validator;

import tools.jackson.databind.json.JsonMapper;

/**
 * The argument resolvers of capability methods, in the order they are asked: the caller ({@code PilotCaller},
 * {@code PilotAddress}), a header ({@code @Header}), all headers ({@code @Headers Map}), and last the argument
 * itself from the JSON body, which takes every parameter the others do not.
 */
public final class CapabilityArguments {

    private final HandlerMethodArgumentResolverComposite resolvers = new HandlerMethodArgumentResolverComposite();

    /**
     * @param mapper the application's JSON mapper
     * @param validator the application's validator, asked when a {@code @Valid} argument first arrives; it may supply
     *     null (none: nothing is validated)
     */
    public CapabilityArguments(JsonMapper mapper, Supplier<Validator> validator) {
        resolvers.addResolver(new CallerArgumentResolver());
        resolvers.addResolver(new HeaderArgumentResolver(DefaultConversionService.getSharedInstance()));
        resolvers.addResolver(new HeadersMethodArgumentResolver());
        resolvers.addResolver(new PayloadArgumentResolver(mapper, new PayloadValidation(validator)));
    }

    /** Without a validator. */
    public CapabilityArguments(JsonMapper mapper) {
        this(mapper, () -> null);
    }

    HandlerMethodArgumentResolverComposite resolvers() {
        return resolvers;
    }
}
