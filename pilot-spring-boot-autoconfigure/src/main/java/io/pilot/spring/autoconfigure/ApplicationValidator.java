package io.pilot.spring.autoconfigure;

import java.util.function.Supplier;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.validation.Validator;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * The validator {@code @Valid} capability arguments are checked with: the application's Bean Validation validator
 * (Boot's {@code defaultValidator}) when Bean Validation is on the class path, else its one Spring {@link Validator},
 * else none. Looked up on first use, once the context is refreshed.
 */
final class ApplicationValidator {

    private static final boolean BEAN_VALIDATION = ClassUtils.isPresent("jakarta.validation.Validator",
            ApplicationValidator.class.getClassLoader());

    private ApplicationValidator() {
    }

    static Supplier<Validator> of(ListableBeanFactory beans) {
        return SingletonSupplier.ofNullable(() -> {
            Validator found = BEAN_VALIDATION ? BeanValidation.find(beans) : null;
            return found != null ? found : beans.getBeanProvider(Validator.class).getIfUnique();
        });
    }

    /** Touched only when Bean Validation is on the class path. */
    private static final class BeanValidation {

        static Validator find(ListableBeanFactory beans) {
            jakarta.validation.Validator validator = beans.getBeanProvider(jakarta.validation.Validator.class).getIfUnique();
            if (validator == null || validator instanceof Validator) {
                return (Validator) validator;
            }
            return new SpringValidatorAdapter(validator);
        }
    }
}
