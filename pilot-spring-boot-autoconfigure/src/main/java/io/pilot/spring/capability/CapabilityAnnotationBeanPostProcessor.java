package io.pilot.spring.capability;

import io.pilot.engine.directory.Names;
import io.pilot.spring.Capability;
import io.pilot.spring.ClientInterfaceProxy;
import io.pilot.spring.GroupListener;
import io.pilot.spring.PilotAgent;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.validation.Validator;

import tools.jackson.databind.json.JsonMapper;

/**
 * Finds {@link Capability} and {@link GroupListener} methods on beans (on the target class, so proxied beans work: the method is
 * invoked through the proxy, with its transactions, security or other advice) and registers them. Classes
 * without capabilities are remembered so each is inspected once.
 */
public final class CapabilityAnnotationBeanPostProcessor implements BeanPostProcessor, BeanFactoryAware {

    private final Set<Class<?>> withoutCapabilities = ConcurrentHashMap.newKeySet();
    private final Supplier<JsonMapper> mapper;
    private final Supplier<Validator> validator;
    private BeanFactory beanFactory;
    /** Made once the first capability is found. */
    private CapabilityArguments arguments;

    /** @param mapper the application's one JSON mapper, asked for once the first capability is found */
    public CapabilityAnnotationBeanPostProcessor(Supplier<JsonMapper> mapper) {
        this(mapper, () -> null);
    }

    /**
     * @param validator the application's validator for {@code @Valid} arguments, asked when the first one arrives;
     *     it may supply null (nothing is validated)
     */
    public CapabilityAnnotationBeanPostProcessor(Supplier<JsonMapper> mapper, Supplier<Validator> validator) {
        this.mapper = mapper;
        this.validator = validator;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof ClientInterfaceProxy) {
            return bean; // a client interface: its @Capability methods call capabilities, they serve none
        }
        Class<?> target = AopUtils.getTargetClass(bean);
        if (withoutCapabilities.contains(target)) {
            return bean;
        }
        Map<Method, Capability> methods = MethodIntrospector.selectMethods(target,
                (MethodIntrospector.MetadataLookup<Capability>) method -> AnnotatedElementUtils.findMergedAnnotation(method,
                        Capability.class));
        Map<Method, GroupListener> listeners = MethodIntrospector.selectMethods(target,
                (MethodIntrospector.MetadataLookup<GroupListener>) method -> AnnotatedElementUtils.findMergedAnnotation(method,
                        GroupListener.class));
        PilotAgent agent = AnnotationUtils.findAnnotation(target, PilotAgent.class);
        if (methods.isEmpty() && listeners.isEmpty() && agent == null) {
            withoutCapabilities.add(target);
            return bean;
        }
        CapabilityRegistry registry = beanFactory.getBean(CapabilityRegistry.class);
        JsonMapper mapper = this.mapper.get();
        if (agent != null) {
            for (String group : agent.groups()) {
                registry.addGroup(Names.checkGroup(group), beanName);
            }
        }
        methods.forEach((method, capability) -> {
            String name;
            try {
                name = Names.checkCapability(capability.value());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("@Capability on " + beanName + "." + method.getName() + ": " + e.getMessage());
            }
            Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
            registry.register(new CapabilityMethod(name, capability.description(), capability.maxConcurrency(),
                    capability.eventLoop(), beanName, bean, invocable, mapper, arguments(mapper)));
        });
        listeners.forEach((method, listener) -> {
            String group;
            try {
                group = Names.checkGroup(listener.value());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("@GroupListener on " + beanName + "." + method.getName() + ": " + e.getMessage());
            }
            registry.register(new GroupListenerMethod(group, listener.eventLoop(), beanName, bean, AopUtils.selectInvocableMethod(method,
                    bean.getClass()), mapper));
        });
        return bean;
    }

    private synchronized CapabilityArguments arguments(JsonMapper mapper) {
        if (arguments == null) {
            arguments = new CapabilityArguments(mapper, validator);
        }
        return arguments;
    }
}
