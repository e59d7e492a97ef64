package io.pilot.spring.capability;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every capability of the application, collected from {@code @Capability} methods before the engine starts.
 * Refuses a second method with the same name, naming both, so a typo cannot silently shadow a capability.
 */
public final class CapabilityRegistry {

    private final Map<String, CapabilityMethod> capabilities = new LinkedHashMap<>();
    private final Map<String, String> groups = new LinkedHashMap<>();

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

    public synchronized CapabilityMethod get(String name) {
        return capabilities.get(name);
    }

    public synchronized Collection<CapabilityMethod> all() {
        return Collections.unmodifiableCollection(new java.util.ArrayList<>(capabilities.values()));
    }

    public synchronized Collection<String> groups() {
        return new java.util.ArrayList<>(groups.keySet());
    }
}
