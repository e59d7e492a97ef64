package io.pilot.spring.client;

import io.pilot.spring.ClientInterfaceProxy;
import io.pilot.spring.PilotClient;

import java.beans.Introspector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Client interfaces: checking one, naming its bean, and building its proxy. One code path for
 * {@link PilotClient#capabilities} and the beans {@link io.pilot.spring.ImportPilotClients} registers.
 */
public final class ClientInterfaces {

    private ClientInterfaces() {
    }

    /**
     * Reads every method of {@code api} (default and static methods aside).
     *
     * @throws IllegalArgumentException if {@code api} is not an interface or a method does not fit, saying which
     */
    static Map<Method, ClientInterfaceMethod> methodsOf(Class<?> api) {
        if (!api.isInterface()) {
            throw new IllegalArgumentException(api.getName() + " is not an interface: only interfaces can be client interfaces");
        }
        Map<Method, ClientInterfaceMethod> methods = new HashMap<>();
        for (Method method : api.getMethods()) {
            if (!method.isDefault() && !Modifier.isStatic(method.getModifiers())) {
                methods.put(method, ClientInterfaceMethod.of(method));
            }
        }
        return methods;
    }

    /** Checks {@code api} as {@link #proxy} would, without a client: at registration, before anything is called. */
    public static void check(Class<?> api) {
        methodsOf(api);
    }

    /** An implementation of {@code api} whose methods call capabilities through {@code client}, sent where {@code target} says. */
    public static <T> T proxy(Class<T> api, PilotClient client, ClientTarget target) {
        Map<Method, ClientInterfaceMethod> methods = methodsOf(api);
        return api.cast(Proxy.newProxyInstance(api.getClassLoader(), proxiedInterfaces(api),
                new ClientInterfaceHandler(api, methods, client, target)));
    }

    /** What the proxy of {@code api} implements, in order: what a native image must know of it. */
    public static Class<?>[] proxiedInterfaces(Class<?> api) {
        return new Class<?>[] {api, ClientInterfaceProxy.class};
    }

    /**
     * The bean name of {@code api}, which {@code pilot.client.interfaces.<name>.*} also uses: its simple name with
     * the first letter in lower case ({@code Papers} → {@code papers}, {@code FxRates} → {@code fxRates}).
     */
    public static String beanName(Class<?> api) {
        return Introspector.decapitalize(api.getSimpleName());
    }
}
