package io.pilot.spring.capability;

import io.pilot.engine.address.PilotAddress;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * One {@code @GroupListener} method of one bean: takes the broadcast's JSON body, mapped to its message
 * parameter, and the sender's address if it asks for it.
 */
public final class GroupListenerMethod {

    private final String group;
    private final String origin;
    private final Object bean;
    private final Method method;
    /** Index of the message parameter, or -1 if the method takes none. */
    private final int messageIndex;
    private final JavaType messageType;
    /** Index of the sender parameter, or -1. */
    private final int senderIndex;
    private final boolean onEventLoop;

    public GroupListenerMethod(String group, String beanName, Object bean, Method method, JsonMapper mapper) {
        this(group, false, beanName, bean, method, mapper);
    }

    /** @param onEventLoop whether it runs on the agent's event loop ({@link io.pilot.spring.GroupListener#eventLoop}) */
    public GroupListenerMethod(String group, boolean onEventLoop, String beanName, Object bean, Method method,
            JsonMapper mapper) {
        this.group = group;
        this.onEventLoop = onEventLoop;
        this.origin = beanName + "." + method.getName();
        this.bean = bean;
        this.method = method;
        this.method.setAccessible(true);
        Class<?>[] types = method.getParameterTypes();
        int message = -1;
        int sender = -1;
        for (int i = 0; i < types.length; i++) {
            if (types[i] == PilotAddress.class && sender < 0) {
                sender = i;
            } else if (message < 0) {
                message = i;
            } else {
                throw new IllegalStateException("@GroupListener(\"" + group + "\") on " + origin
                        + " takes more than a message and the sender's PilotAddress");
            }
        }
        this.messageIndex = message;
        this.senderIndex = sender;
        this.messageType = message < 0 ? null : mapper.constructType(method.getGenericParameterTypes()[message]);
    }

    public String group() {
        return group;
    }

    /** Whether it runs on the agent's event loop ({@code @GroupListener(eventLoop = true)}). */
    public boolean onEventLoop() {
        return onEventLoop;
    }

    /** Where it is declared, for messages: {@code beanName.method}. */
    public String origin() {
        return origin;
    }

    /** Invokes the method with the broadcast's body and sender; the method's exception is thrown as is. */
    public void invoke(byte[] json, PilotAddress from, JsonMapper mapper) throws Throwable {
        Object[] arguments = new Object[method.getParameterCount()];
        if (messageIndex >= 0) {
            arguments[messageIndex] = json.length == 0 ? null : mapper.readValue(json, messageType);
        }
        if (senderIndex >= 0) {
            arguments[senderIndex] = from;
        }
        try {
            method.invoke(bean, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
