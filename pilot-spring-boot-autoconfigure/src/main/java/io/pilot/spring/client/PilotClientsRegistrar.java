package io.pilot.spring.client;

import io.pilot.spring.ImportPilotClients;
import io.pilot.spring.PilotClientInterface;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Registers a bean for each client interface {@link ImportPilotClients} names or finds: a
 * {@link PilotClientFactoryBean} definition named {@link ClientInterfaces#beanName}, whose target type says which
 * interface it makes (so injection by type, lazy initialization and AOT see the interface without creating it).
 */
public final class PilotClientsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, ResourceLoaderAware {

    private Environment environment;
    private ResourceLoader resourceLoader;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setResourceLoader(ResourceLoader resourceLoader) {
        this.resourceLoader = resourceLoader;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(ImportPilotClients.class.getName());
        if (attributes == null) {
            return;
        }
        ClassLoader classLoader = resourceLoader == null ? ClassUtils.getDefaultClassLoader() : resourceLoader.getClassLoader();
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> type : (Class<?>[]) attributes.get("types")) {
            interfaces.add(type);
        }
        Set<String> packages = new LinkedHashSet<>();
        for (String basePackage : (String[]) attributes.get("basePackages")) {
            packages.add(basePackage);
        }
        for (Class<?> type : (Class<?>[]) attributes.get("basePackageClasses")) {
            packages.add(type.getPackageName());
        }
        if (interfaces.isEmpty() && packages.isEmpty()) {
            packages.add(ClassUtils.getPackageName(metadata.getClassName()));
        }
        for (String basePackage : packages) {
            for (BeanDefinition found : scanner().findCandidateComponents(basePackage)) {
                interfaces.add(ClassUtils.resolveClassName(found.getBeanClassName(), classLoader));
            }
        }
        interfaces.forEach(api -> register(api, registry));
    }

    private void register(Class<?> api, BeanDefinitionRegistry registry) {
        ClientInterfaces.check(api);
        String name = ClientInterfaces.beanName(api);
        if (registry.containsBeanDefinition(name)) {
            BeanDefinition existing = registry.getBeanDefinition(name);
            if (existing instanceof RootBeanDefinition root && root.getBeanClass() == PilotClientFactoryBean.class
                    && ResolvableType.forClassWithGenerics(PilotClientFactoryBean.class, api).equals(root.getResolvableType())) {
                return; // the same interface imported twice
            }
            throw new IllegalStateException("client interface " + api.getName() + " would be bean '" + name
                    + "', but that name is taken (by " + describe(existing) + "): client interfaces are named by their "
                    + "simple name, so rename the interface or the other bean");
        }
        RootBeanDefinition definition = new RootBeanDefinition(PilotClientFactoryBean.class);
        definition.setTargetType(ResolvableType.forClassWithGenerics(PilotClientFactoryBean.class, api));
        definition.getConstructorArgumentValues().addIndexedArgumentValue(0, api);
        definition.getConstructorArgumentValues().addIndexedArgumentValue(1, name);
        registry.registerBeanDefinition(name, definition);
    }

    private static String describe(BeanDefinition existing) {
        if (existing instanceof RootBeanDefinition root && root.getBeanClass() == PilotClientFactoryBean.class) {
            return "client interface " + root.getResolvableType().getGeneric(0);
        }
        return existing.getResourceDescription() != null ? existing.getResourceDescription()
                : String.valueOf(existing.getBeanClassName());
    }

    /** Finds interfaces marked {@link PilotClientInterface}; the default scanner would pass over interfaces. */
    private ClassPathScanningCandidateComponentProvider scanner() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false, environment) {
            @Override
            protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
                return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent();
            }
        };
        if (resourceLoader != null) {
            scanner.setResourceLoader(resourceLoader);
        }
        scanner.addIncludeFilter(new AnnotationTypeFilter(PilotClientInterface.class));
        return scanner;
    }
}
