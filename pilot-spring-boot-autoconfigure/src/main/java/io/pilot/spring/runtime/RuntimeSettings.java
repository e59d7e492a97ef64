package io.pilot.spring.runtime;

import io.pilot.engine.PilotNode;
import io.pilot.engine.agent.WebSocketServing;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.net.ProxySettings;
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
 * @param identity where the node's key comes from
 * @param bindAddress the UDP address the node binds
 * @param realm the node's realm
 * @param maxMessageSize the largest message body sent or accepted, in bytes
 * @param requestTimeout the default time to wait for a reply
 * @param accessPolicy a new policy for each start: a shared-group policy can be bound to one directory client only
 * @param pathSettings whether peers out of direct reach are reached through the backbone's relay
 * @param groups the groups to join besides those the capabilities' agents name
 * @param backbone the backbone to register with
 * @param control the control socket {@code pilotctl} talks to
 * @param includeErrorDetails whether a capability's INTERNAL error tells its caller the exception's class and message
 * @param maxInboundBuffered what all peers' partly received requests may hold at once, in bytes; 0 for the engine's
 *     default (a quarter of the heap)
 */
public record RuntimeSettings(String hostname, IdentitySource identity, InetSocketAddress bindAddress, int realm,
        int maxMessageSize, Duration requestTimeout, Supplier<AccessPolicy> accessPolicy, PathSettings pathSettings,
        List<String> groups, BackboneLink backbone, ControlSocket control, boolean includeErrorDetails,
        long maxInboundBuffered) {

    public RuntimeSettings {
        groups = List.copyOf(groups);
    }

    /** Settings whose INTERNAL errors tell callers nothing of the exception. */
    public RuntimeSettings(String hostname, IdentitySource identity, InetSocketAddress bindAddress, int realm,
            int maxMessageSize, Duration requestTimeout, Supplier<AccessPolicy> accessPolicy, PathSettings pathSettings,
            List<String> groups, BackboneLink backbone, ControlSocket control) {
        this(hostname, identity, bindAddress, realm, maxMessageSize, requestTimeout, accessPolicy, pathSettings, groups,
                backbone, control, false, 0);
    }

    /**
     * Where the node's key comes from: a key given in the configuration (a secret), or a file, loaded if it
     * exists and created if not.
     *
     * @param file the key's file, or null when the key was given as a value
     * @param key the key already read, or null to load or create {@code file} at start
     */
    public record IdentitySource(Path file, Identity key) {

        public IdentitySource {
            if (file == null && key == null) {
                throw new IllegalArgumentException("an identity needs a file or a key");
            }
        }

        public static IdentitySource file(Path file) {
            return new IdentitySource(file, null);
        }

        /** Gives the node its key, or the file to load it from. */
        public PilotNode.Builder applyTo(PilotNode.Builder node) {
            return key != null ? node.identity(key) : node.identityPath(file);
        }
    }

    /**
     * The backbone, as this agent reaches it.
     *
     * @param endpoints the UDP endpoints of the realm's backbones, in the order they are tried (an embedded backbone
     *                  binds the first)
     * @param key their pinned key (the backbones of a realm share one), or null to trust it on first use
     * @param requestTimeout how long each call to it may take
     * @param retry the waits between registration attempts while it does not answer
     * @param embedded how to run it inside this application, or null when it runs elsewhere
     * @param joinToken the realm's join token, presented at registration (and required by an embedded backbone), or null
     * @param proxy the HTTP CONNECT proxy to the backbone's WebSocket, or null: the environment's ({@code HTTPS_PROXY})
     */
    public record BackboneLink(List<InetSocketAddress> endpoints, NodeKey key, Duration requestTimeout, RetryDelays retry,
            EmbeddedBackbone embedded, String joinToken, ProxySettings proxy) {

        public BackboneLink {
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("no backbone endpoint");
            }
            endpoints = List.copyOf(endpoints);
        }

        /** With the environment's proxy, if any. */
        public BackboneLink(List<InetSocketAddress> endpoints, NodeKey key, Duration requestTimeout, RetryDelays retry,
                EmbeddedBackbone embedded, String joinToken) {
            this(endpoints, key, requestTimeout, retry, embedded, joinToken, null);
        }

        /** One backbone. */
        public BackboneLink(InetSocketAddress endpoint, NodeKey key, Duration requestTimeout, RetryDelays retry,
                EmbeddedBackbone embedded, String joinToken) {
            this(List.of(endpoint), key, requestTimeout, retry, embedded, joinToken);
        }

        /** One backbone that requires no join token. */
        public BackboneLink(InetSocketAddress endpoint, NodeKey key, Duration requestTimeout, RetryDelays retry,
                EmbeddedBackbone embedded) {
            this(endpoint, key, requestTimeout, retry, embedded, null);
        }

        /** The first backbone: the one an embedded backbone binds. */
        public InetSocketAddress endpoint() {
            return endpoints.get(0);
        }

        /** Says whether there is a join token, never what it is: settings end up in logs and debuggers' views. */
        @Override
        public String toString() {
            return "BackboneLink[endpoints=" + endpoints + ", key=" + key + ", requestTimeout=" + requestTimeout
                    + ", retry=" + retry + ", embedded=" + embedded + ", joinToken=" + (joinToken == null ? "none" : "******")
                    + ", proxy=" + (proxy == null ? "environment" : proxy) + "]"; // its toString() leaves the credentials out
        }
    }

    /**
     * The waits between registration attempts while the backbone does not answer (exponential, with jitter).
     *
     * @param first the longest first wait
     * @param max the longest wait of all; at least {@code first}
     */
    public record RetryDelays(Duration first, Duration max) {
    }

    /**
     * A backbone run inside this application, on the link's endpoint.
     *
     * @param identityPath the file holding its key
     * @param store where its directory is kept: a journal folder, {@code etcd://HOST:PORT[,...]} (the directory shared
     *              by several backbones, with {@code io.pilot:pilot-backbone-etcd} on the class path), or null to keep
     *              it in memory only
     * @param webSocket how it serves nodes whose UDP is blocked (docs/reach.md)
     */
    public record EmbeddedBackbone(Path identityPath, String store, WebSocketServing webSocket) {

        /** Serving plain WebSocket on its UDP port number ({@link WebSocketServing#DEFAULTS}). */
        public EmbeddedBackbone(Path identityPath, String store) {
            this(identityPath, store, WebSocketServing.DEFAULTS);
        }
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
