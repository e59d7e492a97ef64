package io.pilot.spring.autoconfigure;

import io.pilot.engine.directory.Names;
import io.pilot.engine.group.AccessPolicies;
import io.pilot.engine.net.ProxySettings;
import io.pilot.engine.session.AccessPolicy;
import io.pilot.engine.session.PathSettings;
import io.pilot.spring.runtime.RuntimeSettings;
import io.pilot.spring.runtime.RuntimeSettings.BackboneLink;
import io.pilot.spring.runtime.RuntimeSettings.ControlSocket;
import io.pilot.spring.runtime.RuntimeSettings.EmbeddedBackbone;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.core.env.Environment;

/**
 * Derives the {@link RuntimeSettings} from the {@code pilot.*} properties, checking each with {@link PilotSettings}
 * so a bad one fails start-up, with what to change, before anything binds a socket.
 */
final class RuntimeSettingsFactory {

    private RuntimeSettingsFactory() {
    }

    static RuntimeSettings from(PilotProperties properties, Environment environment) {
        return from(properties, environment, new PropertiesPilotBackboneConnectionDetails(properties.getBackbone()));
    }

    /** As above, with the backbone reached where {@code connection} says instead of where the properties do. */
    static RuntimeSettings from(PilotProperties properties, Environment environment, PilotBackboneConnectionDetails connection) {
        String hostname = InstanceHostname.of(properties, environment);
        return new RuntimeSettings(hostname, ConfiguredIdentity.from(properties.getIdentity(), hostname, properties.getRealm()),
                PilotSettings.bind(properties.getBind()),
                properties.getRealm(), (int) properties.getMaxMessageSize().toBytes(),
                PilotSettings.timeout("pilot.request-timeout", properties.getRequestTimeout()),
                accessPolicy(properties), properties.isRelay() ? PathSettings.DEFAULTS : PathSettings.DIRECT_ONLY,
                properties.getGroups(), backbone(properties.getBackbone(), connection,
                        ConfiguredReach.proxy(properties.getProxy())),
                new ControlSocket(properties.getControl().isEnabled(), properties.getControl().getSocket()),
                properties.getServer().getError().isIncludeDetails(),
                PilotSettings.positiveSizeOrDefault("pilot.max-inbound-buffered", properties.getMaxInboundBuffered()));
    }

    /** A supplier because a shared-group policy binds to one directory client: each start needs a fresh one. */
    private static Supplier<AccessPolicy> accessPolicy(PilotProperties properties) {
        return switch (properties.getAccessPolicy()) {
            case REALM -> AccessPolicies::realmMembers;
            case SHARED_GROUP -> AccessPolicies::sharedGroup;
            case ALLOW_LIST -> {
                AccessPolicy allowList = PilotSettings.allowList(properties.getAllow(), properties.getRealm());
                yield () -> allowList;
            }
        };
    }

    private static BackboneLink backbone(PilotProperties.Backbone backbone, PilotBackboneConnectionDetails connection,
            ProxySettings proxy) {
        boolean fromProperties = connection instanceof PropertiesPilotBackboneConnectionDetails;
        if (backbone.isEmbedded() && !fromProperties) {
            throw new PilotConfigurationException("pilot.backbone.embedded", "is true, but a PilotBackboneConnectionDetails bean ("
                    + connection.getClass().getName() + ") points the agent at a backbone elsewhere",
                    "Set pilot.backbone.embedded=false to register with the bean's backbone, or remove the bean");
        }
        EmbeddedBackbone embedded = !backbone.isEmbedded() ? null : new EmbeddedBackbone(
                backbone.getIdentity() != null ? backbone.getIdentity() : Path.of(".pilot", "backbone.key"),
                PilotSettings.store("pilot.backbone.store", backbone.getStore()), ConfiguredReach.webSocket(backbone));
        if (embedded == null && ConfiguredReach.listenerConfigured(backbone)) {
            throw new PilotConfigurationException("pilot.backbone.tcp-bind", "or pilot.backbone.tls.* / pilot.backbone.tcp"
                    + " is set, but pilot.backbone.embedded is false: only a backbone serves TCP listeners",
                    "Set pilot.backbone.embedded=true, or remove the listener properties (a node falls back to WebSocket by itself)");
        }
        String address = fromProperties ? "pilot.backbone.address" : connection.getClass().getName() + ".getAddresses()";
        List<InetSocketAddress> endpoints = PilotSettings.hostPorts(address, connection.getAddresses());
        if (embedded != null && endpoints.size() > 1) {
            throw new PilotConfigurationException(address, "lists " + endpoints.size() + " backbones, but pilot.backbone.embedded"
                    + " is true: the embedded backbone binds one endpoint", "Set " + address + " to the one endpoint the"
                    + " embedded backbone binds, e.g. 0.0.0.0:7400");
        }
        return new BackboneLink(endpoints,
                PilotSettings.key(connection.getKey()),
                PilotSettings.timeout("pilot.backbone.request-timeout", backbone.getRequestTimeout()),
                PilotSettings.retryDelays(backbone.getRetry()), embedded, joinToken(connection, fromProperties),
                proxy);
    }

    /** The properties' token is checked where it is read; a bean's is checked here, by the same rule. */
    private static String joinToken(PilotBackboneConnectionDetails connection, boolean fromProperties) {
        String token = connection.getJoinToken();
        if (token == null || fromProperties) {
            return token;
        }
        try {
            return Names.checkJoinToken(token);
        } catch (IllegalArgumentException e) {
            throw new PilotConfigurationException(connection.getClass().getName() + ".getJoinToken()", e.getMessage(),
                    "Give the join token the backbone was started with");
        }
    }
}
