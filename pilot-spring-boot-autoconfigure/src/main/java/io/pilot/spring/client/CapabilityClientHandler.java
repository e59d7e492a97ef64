package io.pilot.spring.client;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotClient;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Backs {@link PilotClient#capabilities}: each interface method becomes a capability call, its result read
 * as a JSON tree and converted to the method's generic return type.
 */
final class CapabilityClientHandler implements InvocationHandler {

    private record Call(String capability, JavaType resultType, boolean async, boolean returnsVoid) {
    }

    private final PilotClient client;
    private final JsonMapper mapper;
    private final Map<Method, Call> calls = new HashMap<>();

    private CapabilityClientHandler(PilotClient client, JsonMapper mapper, Class<?> api) {
        this.client = client;
        this.mapper = mapper;
        for (Method method : api.getMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Capability capability = method.getAnnotation(Capability.class);
            if (capability == null) {
                throw new IllegalArgumentException(api.getName() + "." + method.getName() + " has no @Capability naming what it calls");
            }
            if (method.getParameterCount() > 1) {
                throw new IllegalArgumentException(api.getName() + "." + method.getName() + " takes "
                        + method.getParameterCount() + " parameters; a capability takes at most one");
            }
            Type result = method.getGenericReturnType();
            boolean async = CompletionStage.class.isAssignableFrom(method.getReturnType());
            if (async) {
                result = result instanceof ParameterizedType parameterized ? parameterized.getActualTypeArguments()[0] : Object.class;
            }
            boolean returnsVoid = result == void.class || result == Void.class;
            calls.put(method, new Call(capability.value(), returnsVoid ? null : mapper.constructType(result), async, returnsVoid));
        }
    }

    static <T> T proxy(Class<T> api, PilotClient client, JsonMapper mapper) {
        if (!api.isInterface()) {
            throw new IllegalArgumentException(api.getName() + " is not an interface");
        }
        return api.cast(Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api},
                new CapabilityClientHandler(client, mapper, api)));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "PilotClient proxy of " + proxy.getClass().getInterfaces()[0].getName();
            };
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        Call call = calls.get(method);
        Object argument = args == null || args.length == 0 ? null : args[0];
        CompletableFuture<Object> result = client.callAsync(call.capability(), argument, JsonNode.class)
                .thenApply(tree -> call.returnsVoid() || tree == null ? null : mapper.convertValue(tree, call.resultType()));
        return call.async() ? result : join(result);
    }

    private static Object join(CompletableFuture<Object> result) {
        try {
            return result.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }
}
