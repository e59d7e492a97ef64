package io.pilot.spring.test;

import io.pilot.spring.autoconfigure.PilotJsonMapper;
import io.pilot.spring.runtime.PilotRuntime;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.support.TestPropertySourceUtils;

import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the test's application an agent of the {@link SharedBackbone}, and gives the test its tools.
 *
 * <p>Properties, right below the test's inlined properties (they beat {@code application.properties}, which may
 * well run an embedded backbone on a fixed port, and still let a test set any of them itself): no backbone of its
 * own, loopback, a free port, an identity in a temporary directory, no control socket, and an instance id of its
 * own for every context after the first of one service name in this JVM ({@code pilot.instance-id=test<n>}), unless
 * the configuration sets one, so two cached contexts of one application register two hostnames instead of fighting
 * over one, while a test class with a context of its own still finds its application under the configured hostname.
 *
 * <p>Beans: the test backbone as {@code PilotBackboneConnectionDetails} (where the application registers),
 * {@link EmbeddedBackboneHandle}, {@link PilotStubs}, and the {@code PilotNodeBuilderCustomizer} of
 * {@code pilot.test.faults.*}.
 *
 * <p>Every instance is equal to every other, so annotated test classes with the same configuration share a
 * cached context, as they would without the annotation.
 */
final class EmbeddedPilotBackboneContextCustomizer implements ContextCustomizer {

    private static final String PROPERTY_SOURCE = "embeddedPilotBackbone";
    private static final String INSTANCE_ID = "pilot.instance-id";
    private static final AtomicInteger CONTEXTS = new AtomicInteger();
    /** Contexts created in this JVM per service name ({@code pilot.hostname}, else {@code spring.application.name}). */
    private static final Map<String, AtomicInteger> CONTEXTS_PER_SERVICE = new ConcurrentHashMap<>();

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        SharedBackbone shared = SharedBackbone.get();
        ConfigurableEnvironment environment = context.getEnvironment();
        Map<String, Object> properties = new HashMap<>(shared.agentSettings());
        if (!environment.containsProperty(INSTANCE_ID)) {
            int contextNumber = CONTEXTS.incrementAndGet();
            String service = environment.getProperty("pilot.hostname", environment.getProperty("spring.application.name", ""));
            if (CONTEXTS_PER_SERVICE.computeIfAbsent(service, name -> new AtomicInteger()).incrementAndGet() > 1) {
                properties.put(INSTANCE_ID, "test" + contextNumber);
            }
        }
        MapPropertySource backbone = new MapPropertySource(PROPERTY_SOURCE, properties);
        MutablePropertySources sources = environment.getPropertySources();
        if (sources.contains(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)) {
            sources.addAfter(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, backbone);
        } else {
            sources.addFirst(backbone);
        }
        registerBeans(context, environment);
    }

    private static void registerBeans(ConfigurableApplicationContext context, ConfigurableEnvironment environment) {
        if (!(context instanceof BeanDefinitionRegistry registry)) {
            throw new IllegalStateException("@EmbeddedPilotBackbone needs a context that takes bean definitions, not "
                    + context.getClass().getName());
        }
        ConfigurableListableBeanFactory beans = context.getBeanFactory();
        EmbeddedBackboneHandle handle = EmbeddedBackboneHandle.get();
        registry.registerBeanDefinition("embeddedBackboneHandle",
                new RootBeanDefinition(EmbeddedBackboneHandle.class, () -> handle));
        registry.registerBeanDefinition("embeddedBackboneConnectionDetails",
                new RootBeanDefinition(EmbeddedBackboneConnectionDetails.class, () -> new EmbeddedBackboneConnectionDetails(handle)));
        registry.registerBeanDefinition("pilotTestFaultInjection",
                new RootBeanDefinition(FaultInjection.class, () -> FaultInjection.from(environment)));
        RootBeanDefinition stubs = new RootBeanDefinition(PilotStubs.class, () -> new PilotStubs(
                beans.getBeanProvider(PilotJsonMapper.class).getIfAvailable(() -> new PilotJsonMapper(new JsonMapper())).mapper(),
                beans.getBeanProvider(PilotRuntime.class)::getIfAvailable));
        stubs.setDestroyMethodName(AbstractBeanDefinition.INFER_METHOD);
        registry.registerBeanDefinition("pilotStubs", stubs);
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
