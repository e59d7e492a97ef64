package io.pilot.spring.autoconfigure;

import io.pilot.spring.client.ClientInterfaceTargets;
import io.pilot.spring.client.ClientTarget;
import io.pilot.spring.client.PilotClientFactoryBean;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * {@code pilot.client.interfaces.*} checked against the client interfaces the context registers: a key that names
 * none (a typo, a renamed interface) fails the start rather than leave that interface calling any provider.
 */
final class ClientInterfaceTargetsFactory {

    private static final String PREFIX = "pilot.client.interfaces.";

    private ClientInterfaceTargetsFactory() {
    }

    static ClientInterfaceTargets from(PilotProperties.Client client, ListableBeanFactory beans) {
        Set<String> known = new TreeSet<>();
        for (String name : beans.getBeanNamesForType(PilotClientFactoryBean.class, true, false)) {
            known.add(BeanFactoryUtils.transformedBeanName(name));
        }
        Set<String> knownNormalized = new TreeSet<>();
        known.forEach(name -> knownNormalized.add(ClientInterfaceTargets.normalized(name)));
        Map<String, ClientTarget> targets = new LinkedHashMap<>();
        client.getInterfaces().forEach((name, settings) -> {
            if (!knownNormalized.contains(ClientInterfaceTargets.normalized(name))) {
                throw new PilotConfigurationException(PREFIX + name, "names no client interface (registered: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)) + ")",
                        "Use the bean name of an interface registered with @ImportPilotClients (its simple name, "
                                + "first letter lower-cased), or remove the property.");
            }
            try {
                targets.put(name, new ClientTarget(settings.getHostname(), settings.getGroup(), settings.getTimeout()));
            } catch (IllegalArgumentException e) {
                throw new PilotConfigurationException(PREFIX + name, e.getMessage(),
                        "Give a hostname or a group (not both), a valid group name, and a positive timeout.");
            }
        });
        return new ClientInterfaceTargets(targets);
    }
}
