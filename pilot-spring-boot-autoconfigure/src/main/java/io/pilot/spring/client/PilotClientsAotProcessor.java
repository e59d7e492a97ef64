package io.pilot.spring.client;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;

/**
 * What a native image needs of each client-interface bean: a JDK proxy of its interfaces, and its
 * {@code @Capability} methods' argument and result types for Jackson (the AOT engine would look for them on the
 * factory's class only, not on the interface it makes). Listed in {@code META-INF/spring/aot.factories}.
 */
public final class PilotClientsAotProcessor implements BeanRegistrationAotProcessor {

    @Override
    public BeanRegistrationAotContribution processAheadOfTime(RegisteredBean bean) {
        if (bean.getBeanClass() != PilotClientFactoryBean.class) {
            return null;
        }
        Class<?> api = bean.getBeanType().as(PilotClientFactoryBean.class).getGeneric(0).resolve();
        if (api == null) {
            return null;
        }
        return (generation, code) -> register(generation.getRuntimeHints(), api);
    }

    static void register(RuntimeHints hints, Class<?> api) {
        hints.proxies().registerJdkProxy(ClientInterfaces.proxiedInterfaces(api));
        new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, api);
    }
}
