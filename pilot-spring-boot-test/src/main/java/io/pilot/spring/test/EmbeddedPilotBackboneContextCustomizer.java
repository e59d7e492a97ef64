package io.pilot.spring.test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Points the test's context at the {@link SharedBackbone}. The properties go right below the test's inlined
 * properties: they beat {@code application.properties} (which may well run an embedded backbone on a fixed
 * port) and still let a test set any of them itself.
 *
 * <p>Every instance is equal to every other, so annotated test classes with the same configuration share a
 * cached context, as they would without the annotation.
 */
final class EmbeddedPilotBackboneContextCustomizer implements ContextCustomizer {

    private static final String PROPERTY_SOURCE = "embeddedPilotBackbone";

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        MapPropertySource backbone = new MapPropertySource(PROPERTY_SOURCE, SharedBackbone.get().agentProperties());
        MutablePropertySources sources = context.getEnvironment().getPropertySources();
        if (sources.contains(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)) {
            sources.addAfter(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, backbone);
        } else {
            sources.addFirst(backbone);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other != null && other.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }
}
