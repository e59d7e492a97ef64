package io.pilot.spring.capability;

import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.PilotCapabilityException;
import io.pilot.spring.PilotProblem;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.springframework.core.MethodParameter;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.SmartValidator;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.ValidationAnnotationUtils;

/**
 * Validates an argument whose parameter is annotated {@code @Valid} or {@code @Validated}, with the application's
 * {@link Validator} (Bean Validation's, when it is on the class path); a violation refuses the call as
 * INVALID_ARGUMENT naming each field and the constraint it broke. Without a validator, as in Spring MVC, the
 * annotation has no effect.
 */
final class PayloadValidation {

    private final Supplier<Validator> validator;

    /** @param validator the application's validator, asked on first use; it may supply null (none) */
    PayloadValidation(Supplier<Validator> validator) {
        this.validator = validator;
    }

    /**
     * @param field the argument's field in the body ({@code query}), prefixed to its own fields' names; empty when
     *     the body is the argument
     */
    void validate(Object argument, MethodParameter parameter, String capability, String field) {
        Object[] hints = hints(parameter);
        if (hints == null || argument == null) {
            return;
        }
        Validator current = validator.get();
        if (current == null) {
            return;
        }
        BeanPropertyBindingResult errors = new BeanPropertyBindingResult(argument, field.isEmpty() ? "argument" : field);
        if (hints.length > 0 && current instanceof SmartValidator smart) {
            smart.validate(argument, errors, hints);
        } else {
            current.validate(argument, errors);
        }
        if (!errors.hasErrors()) {
            return;
        }
        List<PilotProblem.FieldError> fields = errors.getAllErrors().stream().map(error -> fieldError(error, field)).toList();
        throw new PilotCapabilityException(ErrorCode.INVALID_ARGUMENT, "the argument of '" + capability + "' is invalid: "
                + fields.stream().map(f -> "'" + f.field() + "' " + f.message() + " (" + f.rule() + ")")
                        .collect(Collectors.joining(", ")), fields, null);
    }

    private static PilotProblem.FieldError fieldError(ObjectError error, String prefix) {
        String name = error instanceof FieldError field
                ? (prefix.isEmpty() ? field.getField() : prefix + "." + field.getField())
                : (prefix.isEmpty() ? "argument" : prefix);
        return new PilotProblem.FieldError(name, error.getCode(), error.getDefaultMessage());
    }

    /** The validation groups the parameter's {@code @Validated} names (none for {@code @Valid}), or null if it asks for none. */
    private static Object[] hints(MethodParameter parameter) {
        for (Annotation annotation : parameter.getParameterAnnotations()) {
            Object[] hints = ValidationAnnotationUtils.determineValidationHints(annotation);
            if (hints != null) {
                return hints;
            }
        }
        return null;
    }
}
