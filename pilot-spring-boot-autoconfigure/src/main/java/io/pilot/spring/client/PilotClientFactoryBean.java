package io.pilot.spring.client;

import io.pilot.spring.PilotClient;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * The bean of one client interface ({@link io.pilot.spring.ImportPilotClients}): its methods are checked when this
 * factory is created (at startup, so a bad method fails the start), and the proxy is built on first use from the
 * application's {@link PilotClient} and the interface's {@link ClientTarget}. Plain constructor arguments and a
 * generic target type, so the AOT engine can write its definition out for a native image.
 */
public final class PilotClientFactoryBean<T> implements FactoryBean<T>, BeanFactoryAware, InitializingBean {

    private final Class<T> api;
    private final String name;
    private BeanFactory beanFactory;

    /** @param name the interface's bean name, which its properties use too */
    public PilotClientFactoryBean(Class<T> api, String name) {
        this.api = api;
        this.name = name;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void afterPropertiesSet() {
        ClientInterfaces.check(api);
    }

    @Override
    public T getObject() {
        ClientTarget target = beanFactory.getBeanProvider(ClientInterfaceTargets.class)
                .getIfAvailable(() -> ClientInterfaceTargets.NONE).of(name);
        return ClientInterfaces.proxy(api, beanFactory.getBean(PilotClient.class), target);
    }

    @Override
    public Class<T> getObjectType() {
        return api;
    }

    /** The interface this factory implements. */
    public Class<T> api() {
        return api;
    }
}
