package io.pilot.spring.capability;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every capability of the application, collected from {@code @Capability} methods before the engine starts,
 * with the groups it joins and its {@code @GroupListener} methods.
 * Refuses a second method with the same name, naming both, so a typo cannot silently shadow a capability.
 */
public final class CapabilityRegistry {

    private final Map<String, CapabilityMethod> capabilities = new LinkedHashMap<>();
    private final Map<String, String> groups = new LinkedHashMap<>();
    private final List<GroupListenerMethod> listeners = new ArrayList<>();

    public synchronized void register(CapabilityMethod capability) {
        CapabilityMethod existing = capabilities.putIfAbsent(capability.name(), capability);
        if (existing != null) {
            throw new IllegalStateException("capability '" + capability.name() + "' is declared twice: by "
                    + existing.origin() + " and by " + capability.origin() + "; capability names must be unique");
        }
    }

    /** Groups an {@code @PilotAgent} asks for, with the bean that asked (for messages). */
    public synchronized void addGroup(String group, String beanName) {
        groups.putIfAbsent(group, beanName);
    }

    /** A {@code @GroupListener}; its group is joined as if an agent had asked for it. */
    public synchronized void register(GroupListenerMethod listener) {
        listeners.add(listener);
        addGroup(listener.group(), listener.origin());
    }

    /** Every {@code @GroupListener}, in registration order. */
    public synchronized List<GroupListenerMethod> listeners() {
        return List.copyOf(listeners);
    }

    /** The listeners of {@code group}, in registration order. */
    public synchronized List<GroupListenerMethod> listeners(String group) {
        return listeners.stream().filter(l -> l.group().equals(group)).toList();
    }

    public synchronized CapabilityMethod get(String name) {
        return capabilities.get(name);
    }

    public synchronized Collection<CapabilityMethod> all() {
        return Collections.unmodifiableCollection(new ArrayList<>(capabilities.values()));
    }

    public synchronized Collection<String> groups() {
        return new ArrayList<>(groups.keySet());
    }
}
