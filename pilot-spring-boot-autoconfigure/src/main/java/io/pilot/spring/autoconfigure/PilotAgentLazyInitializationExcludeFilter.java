package io.pilot.spring.autoconfigure;

import io.pilot.spring.Capability;
import io.pilot.spring.GroupListener;
import io.pilot.spring.PilotAgent;

import java.lang.annotation.Annotation;
import java.util.Set;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Keeps agent beans eager under {@code spring.main.lazy-initialization=true}: their capabilities are found when
 * the beans are created, and the agent registers them when it starts, so a lazy agent bean would register an agent
 * with no capabilities (nothing would ever ask for the bean). A bean is an agent bean if its type is a
 * {@link PilotAgent} or has {@link Capability} or {@link GroupListener} methods.
 */
final class PilotAgentLazyInitializationExcludeFilter implements LazyInitializationExcludeFilter {

    private static final Set<Class<? extends Annotation>> METHOD_ANNOTATIONS = Set.of(Capability.class,
            GroupListener.class);

    @Override
    public boolean isExcluded(String beanName, BeanDefinition beanDefinition, Class<?> beanType) {
        if (beanType == null) {
            return false;
        }
        if (AnnotationUtils.findAnnotation(beanType, PilotAgent.class) != null) {
            return true;
        }
        if (!AnnotationUtils.isCandidateClass(beanType, METHOD_ANNOTATIONS)) {
            return false;
        }
        return !MethodIntrospector.selectMethods(beanType, (MethodIntrospector.MetadataLookup<Boolean>) method ->
                METHOD_ANNOTATIONS.stream().anyMatch(a -> AnnotatedElementUtils.hasAnnotation(method, a)) ? Boolean.TRUE
                        : null).isEmpty();
    }
}
