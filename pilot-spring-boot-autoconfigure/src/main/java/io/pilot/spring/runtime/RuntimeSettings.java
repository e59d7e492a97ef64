package io.pilot.spring.runtime;

import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.session.AccessPolicy;
import io.pilot.engine.session.PathSettings;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a {@link PilotRuntime} runs, already checked. The auto-configuration derives it from the {@code pilot.*}
 * properties and refuses bad ones, so the runtime knows nothing of how the properties are spelled: settings flow
 * down from the wiring to the feature, never the other way.
 *
 * @param hostname this agent's hostname in the realm
 * @param identityPath the file holding the node's key
 * @param bindAddress the UDP address the node binds
 * @param realm the node's realm
 * @param maxMessageSize the largest message body sent or accepted, in bytes
 * @param requestTimeout the default time to wait for a reply
 * @param accessPolicy a new policy for each start: a shared-group policy can be bound to one directory client only
 * @param pathSettings whether peers out of direct reach are reached through the backbone's relay
 * @param groups the groups to join besides those the capabilities' agents name
 * @param backbone the backbone to register with
 * @param control the control socket {@code pilotctl} talks to
 */
public record RuntimeSettings(String hostname, Path identityPath, InetSocketAddress bindAddress, int realm,
        int maxMessageSize, Duration requestTimeout, Supplier<AccessPolicy> accessPolicy, PathSettings pathSettings,
        List<String> groups, BackboneLink backbone, ControlSocket control) {

    public RuntimeSettings {
        groups = List.copyOf(groups);
    }

    /**
     * The backbone, as this agent reaches it.
     *
     * @param endpoint its UDP endpoint
     * @param key its pinned key, or null to trust it on first use
     * @param requestTimeout how long each call to it may take
     * @param embedded how to run it inside this application, or null when it runs elsewhere
     */
    public record BackboneLink(InetSocketAddress endpoint, NodeKey key, Duration requestTimeout, EmbeddedBackbone embedded) {
    }

    /**
     * A backbone run inside this application, on the link's endpoint.
     *
     * @param identityPath the file holding its key
     * @param store the journal of its directory, or null to keep it in memory only
     */
    public record EmbeddedBackbone(Path identityPath, Path store) {
    }

    /**
     * The control socket.
     *
     * @param enabled whether to open it
     * @param path where, or null for the default path of the hostname and address
     */
    public record ControlSocket(boolean enabled, Path path) {
    }
}
