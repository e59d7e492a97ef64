package io.pilot.spring.capability;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * One {@code @Capability} method of one bean, ready to be invoked with JSON in and JSON out. The argument
 * and result types come from the method's generic signature, so {@code List<Citation>} and
 * {@code CompletableFuture<Rate>} map as declared.
 */
public final class CapabilityMethod {

    private final String name;
    private final String description;
    private final String beanName;
    private final Object bean;
    private final Method method;
    private final JavaType argumentType;
    private final boolean returnsVoid;

    private final int maxConcurrency;

    public CapabilityMethod(String name, String description, String beanName, Object bean, Method method, JsonMapper mapper) {
        this(name, description, 0, beanName, bean, method, mapper);
    }

    /** @param maxConcurrency how many calls may be in progress at once, or 0 for no limit of its own */
    public CapabilityMethod(String name, String description, int maxConcurrency, String beanName, Object bean, Method method,
            JsonMapper mapper) {
        if (maxConcurrency < 0) {
            throw new IllegalStateException("@Capability(\"" + name + "\") on " + beanName + "." + method.getName()
                    + " has maxConcurrency " + maxConcurrency + "; it must be at least 1, or 0 for no limit of its own");
        }
        this.maxConcurrency = maxConcurrency;
        if (method.getParameterCount() > 1) {
            throw new IllegalStateException("@Capability(\"" + name + "\") on " + beanName + "." + method.getName()
                    + " takes " + method.getParameterCount() + " parameters; a capability takes at most one");
        }
        this.name = name;
        this.description = description;
        this.beanName = beanName;
        this.bean = bean;
        this.method = method;
        this.method.setAccessible(true);
        this.argumentType = method.getParameterCount() == 0 ? null
                : mapper.constructType(method.getGenericParameterTypes()[0]);
        Type result = method.getGenericReturnType();
        this.returnsVoid = result == void.class || result == Void.class;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** How many calls may be in progress at once, or 0 for no limit of its own. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** Where it is declared, for messages: {@code beanName.method}. */
    public String origin() {
        return beanName + "." + method.getName();
    }

    /** Invokes the method with the JSON argument; completes with the JSON result (null for void). */
    public CompletionStage<byte[]> invoke(byte[] argumentJson, JsonMapper mapper) throws Throwable {
        if (argumentType != null && argumentJson.length == 0) {
            // A refusal (see CapabilityDispatcher): the caller sent nothing where the method expects an argument.
            throw new IllegalArgumentException(name + " needs an argument (JSON), got none");
        }
        Object[] arguments = argumentType == null ? new Object[0] : new Object[] {mapper.readValue(argumentJson, argumentType)};
        Object result;
        try {
            result = method.invoke(bean, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (result instanceof CompletionStage<?> stage) {
            return stage.thenApply(value -> encode(value, mapper));
        }
        return CompletableFuture.completedFuture(returnsVoid ? null : encode(result, mapper));
    }

    private static byte[] encode(Object value, JsonMapper mapper) {
        return value == null ? new byte[0] : mapper.writeValueAsBytes(value);
    }

    static boolean isAsync(Method method) {
        return CompletionStage.class.isAssignableFrom(method.getReturnType())
                && method.getGenericReturnType() instanceof ParameterizedType;
    }
}
