package io.pilot.spring.autoconfigure;

import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.transport.CongestionControl;
import io.pilot.engine.transport.TransportConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the application's Pilot node, under {@code pilot.*}.
 */
@ConfigurationProperties("pilot")
public class PilotProperties {

    /** Whether the application is a Pilot agent at all; false turns the starter off (no node, no client). */
    private boolean enabled = true;

    /**
     * This agent's name in the realm: 1-63 lower-case letters, digits and '-'. Defaults to
     * {@code spring.application.name}. With an instance id, each instance registers as {@code <hostname>-<instance-id>}.
     */
    private String hostname;

    /**
     * What tells instances of this application apart, so replicas with one configuration register distinct
     * hostnames ({@code <hostname>-<instance-id>}; an id that already starts with {@code <hostname>-}, such as a pod
     * name, is used as it is). Defaults to the pod name ({@code HOSTNAME}) on Kubernetes and to none elsewhere;
     * {@code none} registers the bare hostname (a single instance).
     */
    private String instanceId;

    /** Groups this agent joins (in addition to those its @PilotAgent beans name). */
    private List<String> groups = new ArrayList<>();

    /** Realm (backbone namespace) of this node. */
    private int realm;

    /** Largest message body sent or accepted. */
    private DataSize maxMessageSize = DataSize.ofMegabytes(16);

    /**
     * What all peers' partly received requests may hold in memory at once (unset: a quarter of the maximum heap). A
     * request that would take a peer or the node over it is refused OVERLOADED.
     */
    private DataSize maxInboundBuffered;

    /** Default time to wait for a capability call's reply. */
    private Duration requestTimeout = Duration.ofSeconds(30);

    private final Identity identity = new Identity();

    private final Bind bind = new Bind();

    private final Backbone backbone = new Backbone();

    private final Control control = new Control();

    private final Server server = new Server();

    private final Client client = new Client();

    /** Which authenticated peers may open sessions with this node. */
    private AccessPolicy accessPolicy = AccessPolicy.REALM;

    /**
     * Peers allowed when {@code access-policy} is {@code allow-list}: node keys (base64url) or addresses. Prefer
     * keys: an address is 48 bits of its key's hash and can be ground, so a listed address admits whoever grinds
     * a key for it (a warning is logged at start for every list that holds addresses).
     */
    private List<String> allow = new ArrayList<>();

    /** Whether peers that cannot be reached directly are reached through the backbone's relay. */
    private boolean relay = true;

    private final Transport transport = new Transport();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Client getClient() {
        return client;
    }

    public Server getServer() {
        return server;
    }

    public String getHostname() {
        return hostname;
    }

    public void setHostname(String hostname) {
        this.hostname = hostname;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public List<String> getGroups() {
        return groups;
    }

    public void setGroups(List<String> groups) {
        this.groups = groups;
    }

    public int getRealm() {
        return realm;
    }

    public void setRealm(int realm) {
        this.realm = realm;
    }

    public DataSize getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(DataSize maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public DataSize getMaxInboundBuffered() {
        return maxInboundBuffered;
    }

    public void setMaxInboundBuffered(DataSize maxInboundBuffered) {
        this.maxInboundBuffered = maxInboundBuffered;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Identity getIdentity() {
        return identity;
    }

    public Bind getBind() {
        return bind;
    }

    public Backbone getBackbone() {
        return backbone;
    }

    public Control getControl() {
        return control;
    }

    public AccessPolicy getAccessPolicy() {
        return accessPolicy;
    }

    public void setAccessPolicy(AccessPolicy accessPolicy) {
        this.accessPolicy = accessPolicy;
    }

    public List<String> getAllow() {
        return allow;
    }

    public void setAllow(List<String> allow) {
        this.allow = allow;
    }

    public boolean isRelay() {
        return relay;
    }

    public void setRelay(boolean relay) {
        this.relay = relay;
    }

    public Transport getTransport() {
        return transport;
    }

    /** The reliable transport inside each session. */
    public static class Transport {

        /**
         * Congestion controller of every connection: {@code cubic} (RFC 9438, the default), {@code bbr} (a model of
         * bandwidth and RTT that keeps more of its rate under heavy random loss) or {@code newreno} (RFC 9002).
         */
        private CongestionControl congestionControl = TransportConfig.defaults().congestionControl();

        public CongestionControl getCongestionControl() {
            return congestionControl;
        }

        public void setCongestionControl(CongestionControl congestionControl) {
            this.congestionControl = congestionControl;
        }
    }

    /** Who may open sessions with this node. */
    public enum AccessPolicy {
        /** Any authenticated node of the realm. */
        REALM,
        /** Only nodes that share a group with this one. */
        SHARED_GROUP,
        /** Only the nodes listed in {@code pilot.allow}. */
        ALLOW_LIST
    }

    public static class Identity {

        /**
         * Where the node's Ed25519 identity is kept (created on first start, mode 0600; a PEM PKCS#8 key is read
         * too). Losing it loses the address. Defaults to {@code .pilot/<hostname>.key} in the working directory.
         */
        private Path path;

        /**
         * The node's Ed25519 private key itself, instead of a file: PEM PKCS#8 or base64 (e.g. from a secret in
         * {@code PILOT_IDENTITY_KEY}). Never shown by the actuator nor logged.
         */
        private String key;

        /** The address the key must have ({@code N:XXXX.XXXX.XXXX}): start-up fails with any other key. */
        private String address;

        public Path getPath() {
            return path;
        }

        public void setPath(Path path) {
            this.path = path;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }
    }

    public static class Bind {

        /** Address of the node's UDP socket. */
        private String address = "0.0.0.0";

        /** Port of the node's UDP socket; 0 picks a free one (published as {@code local.pilot.port}). */
        private int port;

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }
    }

    public static class Control {

        /** Open the local control socket that {@code pilotctl} talks to (Unix domain socket, mode 0600). */
        private boolean enabled = true;

        /**
         * Where the control socket is created. Defaults to {@code <hostname>.sock} in {@code $PILOT_HOME/run},
         * {@code $XDG_RUNTIME_DIR/pilot} or {@code ~/.pilot/run}.
         */
        private Path socket;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Path getSocket() {
            return socket;
        }

        public void setSocket(Path socket) {
            this.socket = socket;
        }
    }

    public static class Backbone {

        /**
         * The backbone's UDP endpoint, {@code host:port}; or the realm's backbones, a comma-separated list
         * {@code host:port,host:port,...} tried in that order from one the agent's address picks, moving to the next
         * when one stops answering. With {@code embedded}, where the embedded one binds (a single endpoint).
         */
        private String address = "127.0.0.1:7400";

        /** Run the backbone inside this application (single host, development, the samples). */
        private boolean embedded;

        /** The backbone's node key (base64url) to pin; empty trusts the first key it presents, with a warning. */
        private String key;

        /**
         * The realm's join token, for a backbone that requires one (e.g. from a secret in
         * {@code PILOT_BACKBONE_JOIN_TOKEN}); with {@code embedded}, the token the embedded backbone requires of every
         * agent. Never shown by the actuator nor logged.
         */
        private String joinToken;

        /**
         * A file holding the join token instead (its first line: a mounted secret, a systemd credential). Read at
         * start; missing, empty or unreadable fails the start.
         */
        private Path joinTokenFile;

        /**
         * Where the embedded backbone keeps its directory: a journal folder, or {@code etcd://HOST:PORT[,HOST:PORT...]}
         * for a directory several backbones share (needs {@code io.pilot:pilot-backbone-etcd}); empty keeps it in
         * memory only.
         */
        private String store;

        /** Where the embedded backbone's identity is kept. Defaults to {@code .pilot/backbone.key}. */
        private Path identity;

        /**
         * Longest wait for the backbone's answer to a registration or lookup. Shorter than
         * {@code pilot.request-timeout}: while the backbone is away, lookups fall back to the cache after it.
         */
        private Duration requestTimeout = Duration.ofSeconds(5);

        /** How long to wait before registering again while the backbone does not answer. */
        private final Retry retry = new Retry();

        public Retry getRetry() {
            return retry;
        }

        public Duration getRequestTimeout() {
            return requestTimeout;
        }

        public void setRequestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public boolean isEmbedded() {
            return embedded;
        }

        public void setEmbedded(boolean embedded) {
            this.embedded = embedded;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public String getJoinToken() {
            return joinToken;
        }

        public void setJoinToken(String joinToken) {
            this.joinToken = joinToken;
        }

        public Path getJoinTokenFile() {
            return joinTokenFile;
        }

        public void setJoinTokenFile(Path joinTokenFile) {
            this.joinTokenFile = joinTokenFile;
        }

        public String getStore() {
            return store;
        }

        public void setStore(String store) {
            this.store = store;
        }

        public Path getIdentity() {
            return identity;
        }

        public void setIdentity(Path identity) {
            this.identity = identity;
        }

        // Reach from anywhere (docs/reach.md): the embedded backbone's TCP listeners.

        /**
         * With {@code embedded}: more TCP addresses ({@code host:port}, e.g. {@code 0.0.0.0:443}) the backbone serves
         * WebSocket on for nodes whose UDP is blocked. It always does on its UDP port number unless {@code tcp} is false.
         */
        private List<String> tcpBind = new ArrayList<>();

        /** With {@code embedded}: whether the backbone serves WebSocket on its UDP port number too (TCP, same number). */
        private boolean tcp = true;

        private final Tls tls = new Tls();

        public List<String> getTcpBind() {
            return tcpBind;
        }

        public void setTcpBind(List<String> tcpBind) {
            this.tcpBind = tcpBind;
        }

        public boolean isTcp() {
            return tcp;
        }

        public void setTcp(boolean tcp) {
            this.tcp = tcp;
        }

        public Tls getTls() {
            return tls;
        }

        /** The embedded backbone's TLS for {@code wss://} on every TCP listener: both files, or neither (plain ws). */
        public static class Tls {

            /** The certificate chain, PEM. */
            private Path certificate;

            /** Its private key, PEM in PKCS#8 ({@code openssl genpkey} writes it so). */
            private Path privateKey;

            public Path getCertificate() {
                return certificate;
            }

            public void setCertificate(Path certificate) {
                this.certificate = certificate;
            }

            public Path getPrivateKey() {
                return privateKey;
            }

            public void setPrivateKey(Path privateKey) {
                this.privateKey = privateKey;
            }
        }
    }

    /** How capability calls are served: where handlers run is Boot's ({@code spring.threads.virtual.enabled}, {@code spring.task.execution.*}). */

    /**
     * The waits between registration attempts while the backbone does not answer: the first at most
     * {@code first-delay}, each next one up to twice as long, never more than {@code max-delay}, each drawn at random
     * between half of that and all of it (so replicas restarted together do not retry in step).
     */
    public static class Retry {

        /** The longest first wait. */
        private Duration firstDelay = DirectoryClient.DEFAULT_FIRST_RETRY;

        /** The longest wait of all, however long the backbone stays away. */
        private Duration maxDelay = DirectoryClient.DEFAULT_LONGEST_RETRY;

        public Duration getFirstDelay() {
            return firstDelay;
        }

        public void setFirstDelay(Duration firstDelay) {
            this.firstDelay = firstDelay;
        }

        public Duration getMaxDelay() {
            return maxDelay;
        }

        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }
    }
    public static class Server {

        /**
         * Capability calls in progress at once on this agent (running, or waiting for a thread); past it a call is
         * answered OVERLOADED at once, so slow capabilities never build an unbounded queue.
         */
        private int maxConcurrency = 1000;

        /**
         * Limits of single capabilities, by name (e.g. {@code pilot.server.capability-max-concurrency[llm.summarize]=4}),
         * over their {@code @Capability(maxConcurrency)}.
         */
        private Map<String, Integer> capabilityMaxConcurrency = new LinkedHashMap<>();

        public int getMaxConcurrency() {
            return maxConcurrency;
        }

        public void setMaxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
        }

        public Map<String, Integer> getCapabilityMaxConcurrency() {
            return capabilityMaxConcurrency;
        }

        public void setCapabilityMaxConcurrency(Map<String, Integer> capabilityMaxConcurrency) {
            this.capabilityMaxConcurrency = capabilityMaxConcurrency;
        }

        /** What callers are told of failures. */
        private final Error error = new Error();

        public Error getError() {
            return error;
        }

        public static class Error {

            /**
             * Whether a capability's INTERNAL error tells its caller the exception's class and message; off, the caller
             * learns only that it failed and the trace id, and the exception is logged here.
             */
            private boolean includeDetails;

            public boolean isIncludeDetails() {
                return includeDetails;
            }

            public void setIncludeDetails(boolean includeDetails) {
                this.includeDetails = includeDetails;
            }
        }
    }

    /** The calls this agent makes through its client interfaces. */
    public static class Client {

        /**
         * Per client interface, by its bean name (its simple name, first letter lower-cased, e.g.
         * {@code pilot.client.interfaces.papers.hostname}; case and dashes do not matter): where its calls go and how
         * long they may take. A name matching no interface fails the start.
         */
        private Map<String, ClientInterface> interfaces = new LinkedHashMap<>();

        public Map<String, ClientInterface> getInterfaces() {
            return interfaces;
        }

        public void setInterfaces(Map<String, ClientInterface> interfaces) {
            this.interfaces = interfaces;
        }
    }

    /** Where one client interface's calls go; neither hostname nor group: any provider of each capability. */
    public static class ClientInterface {

        /** The agent (hostname or address) every call goes to. */
        private String hostname;

        /** Calls go only to providers that are members of this group. Not with hostname. */
        private String group;

        /** How long each call may wait for its reply; default pilot.request-timeout. */
        private Duration timeout;

        public String getHostname() {
            return hostname;
        }

        public void setHostname(String hostname) {
            this.hostname = hostname;
        }

        public String getGroup() {
            return group;
        }

        public void setGroup(String group) {
            this.group = group;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    // Reach from anywhere (docs/reach.md): the HTTP CONNECT proxy to the backbone's WebSocket.

    private final Proxy proxy = new Proxy();

    public Proxy getProxy() {
        return proxy;
    }

    /**
     * The HTTP CONNECT proxy the agent reaches its backbone's WebSocket through when UDP to it goes unanswered. Set,
     * it overrides {@code HTTPS_PROXY}/{@code https_proxy}; unset, those are read. Either {@code url} or
     * {@code host} and {@code port}.
     */
    public static class Proxy {

        /** {@code http://[user:password@]host:port}; the password is never shown by the actuator nor logged. */
        private String url;

        /** The proxy's host, instead of {@code url}. */
        private String host;

        /** The proxy's port, with {@code host}. */
        private Integer port;

        /** The user for basic proxy authentication (overrides the one in {@code url}). */
        private String username;

        /** Its password; never shown by the actuator nor logged. */
        private String password;

        /** Hosts reached without the proxy: names, {@code .suffix}es or {@code *}. Unset: {@code NO_PROXY}. */
        private List<String> noProxy;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public List<String> getNoProxy() {
            return noProxy;
        }

        public void setNoProxy(List<String> noProxy) {
            this.noProxy = noProxy;
        }
    }
}
