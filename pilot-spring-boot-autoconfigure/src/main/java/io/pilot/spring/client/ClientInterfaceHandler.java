package io.pilot.spring.client;

import io.pilot.spring.CapabilityCall;
import io.pilot.spring.PilotClient;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;

/** Each method of a client interface becomes a capability call through the {@link PilotClient}, sent where the target says. */
final class ClientInterfaceHandler implements InvocationHandler {

    private final Class<?> api;
    private final PilotClient client;
    private final ClientTarget target;
    private final Map<Method, ClientInterfaceMethod> methods;
    /** Each method's call spec, targeted once: specs are immutable, so one serves every invocation. */
    private final Map<Method, CapabilityCall> calls = new HashMap<>();

    ClientInterfaceHandler(Class<?> api, Map<Method, ClientInterfaceMethod> methods, PilotClient client, ClientTarget target) {
        this.api = api;
        this.client = client;
        this.target = target;
        this.methods = methods;
        methods.forEach((method, call) -> calls.put(method, target.applyTo(client.capability(call.capability()))));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "Pilot client of " + api.getName() + " (" + describe(target) + ")";
            };
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        return methods.get(method).invoke(calls.get(method), args == null ? new Object[0] : args);
    }

    private static String describe(ClientTarget target) {
        String where = target.hostname() != null ? "agent " + target.hostname()
                : target.group() != null ? "group " + target.group() : "any provider";
        return target.timeout() == null ? where : where + ", timeout " + target.timeout();
    }
}
