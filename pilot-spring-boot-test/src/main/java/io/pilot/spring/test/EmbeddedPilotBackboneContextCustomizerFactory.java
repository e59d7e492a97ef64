package io.pilot.spring.test;

import java.util.List;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Applies {@link EmbeddedPilotBackbone} to the test classes that carry it (inherited, or on an enclosing
 * class of a {@code @Nested} test). Registered in {@code META-INF/spring.factories}, as Spring Boot's own test
 * annotations are, so the annotation needs nothing else on the test class.
 */
final class EmbeddedPilotBackboneContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        return TestContextAnnotationUtils.hasAnnotation(testClass, EmbeddedPilotBackbone.class)
                ? new EmbeddedPilotBackboneContextCustomizer() : null;
    }
}
