package io.pilot.spring.autoconfigure;

import io.pilot.engine.directory.Names;

import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.core.env.Environment;

/**
 * The hostname this instance registers: the service's name ({@code pilot.hostname}, else
 * {@code spring.application.name}) qualified by an instance id, so that replicas started with one configuration
 * each get their own hostname while sharing capabilities and groups. Callers reach the service by capability
 * (anycast over every instance) and one instance by its qualified hostname.
 *
 * <p>The instance id is {@code pilot.instance-id}; unset, it is the pod name on Kubernetes (the {@code HOSTNAME}
 * the kubelet gives each container), which is distinct for every replica and what {@code kubectl get pods} shows.
 * Elsewhere nothing tells replicas apart, so the hostname stays bare unless an id is configured.
 */
final class InstanceHostname {

    /** The {@code pilot.instance-id} that asks for the bare hostname, e.g. a single instance on Kubernetes. */
    static final String NONE = "none";

    private InstanceHostname() {
    }

    static String of(PilotProperties properties, Environment environment) {
        String service = serviceName(properties, environment);
        String instanceId = instanceId(properties, environment);
        if (instanceId == null || instanceId.equals(NONE)) {
            return service;
        }
        String qualified = instanceId.startsWith(service + "-") ? instanceId : service + "-" + instanceId;
        try {
            return Names.checkHostname(qualified);
        } catch (IllegalArgumentException e) {
            throw new PilotConfigurationException("pilot.instance-id", "'" + instanceId + "' makes the hostname '"
                    + qualified + "', which " + e.getMessage(), "Set pilot.instance-id to a short id of lower-case letters,"
                    + " digits and '-' (the hostname is <pilot.hostname>-<instance-id>, at most 63 characters), or to "
                    + NONE + " for the bare hostname");
        }
    }

    private static String serviceName(PilotProperties properties, Environment environment) {
        boolean explicit = properties.getHostname() != null && !properties.getHostname().isBlank();
        String name = explicit ? properties.getHostname() : environment.getProperty("spring.application.name");
        String property = explicit ? "pilot.hostname" : "spring.application.name";
        if (name == null || name.isBlank()) {
            throw new PilotConfigurationException("pilot.hostname", "is not set, nor is spring.application.name",
                    "Set spring.application.name or pilot.hostname to this agent's name, e.g. pilot.hostname=specialist-papers");
        }
        try {
            return Names.checkHostname(name);
        } catch (IllegalArgumentException e) {
            throw new PilotConfigurationException(property, e.getMessage() + (explicit ? ""
                    : " (pilot.hostname defaults to spring.application.name)"), "Use 1-63 lower-case letters, digits and '-', e.g. "
                    + (explicit ? "" : "pilot.hostname=") + name.toLowerCase().replaceAll("[^a-z0-9-]", "-"));
        }
    }

    private static String instanceId(PilotProperties properties, Environment environment) {
        String configured = properties.getInstanceId();
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        if (CloudPlatform.KUBERNETES.isActive(environment)) {
            String podName = environment.getProperty("HOSTNAME");
            return podName == null || podName.isBlank() ? null : podName.strip();
        }
        return null;
    }
}
