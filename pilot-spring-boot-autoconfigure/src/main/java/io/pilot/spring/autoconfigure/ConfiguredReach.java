package io.pilot.spring.autoconfigure;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.agent.WebSocketServing;
import io.pilot.engine.net.ProxySettings;
import io.pilot.engine.net.TlsFiles;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The reach settings (docs/reach.md) from the properties: the embedded backbone's TCP listeners
 * ({@code pilot.backbone.tcp-bind}, {@code pilot.backbone.tcp}, {@code pilot.backbone.tls.*}) and the proxy an agent
 * reaches its backbone's WebSocket through ({@code pilot.proxy.*}). Each mistake names its property, never a
 * password. Testable alone.
 */
final class ConfiguredReach {

    private static final String HOW = "Give the proxy as pilot.proxy.url=http://host:port (or pilot.proxy.host and"
            + " pilot.proxy.port), with pilot.proxy.username and pilot.proxy.password for basic authentication";

    private ConfiguredReach() {
    }

    /**
     * How the embedded backbone serves nodes over WebSocket; the TLS files are checked to make a server context.
     *
     * @throws PilotConfigurationException naming the property: a bind that is not {@code host:port}, one TLS file
     *         without the other, a file missing or unusable
     */
    static WebSocketServing webSocket(PilotProperties.Backbone backbone) {
        List<InetSocketAddress> binds = new ArrayList<>();
        for (String bind : backbone.getTcpBind()) {
            try {
                binds.add(HostPort.parseBind(bind.strip()));
            } catch (IllegalArgumentException e) {
                throw new PilotConfigurationException("pilot.backbone.tcp-bind", bind.strip() + ": " + e.getMessage(),
                        "Set it to host:port addresses the backbone serves WebSocket on, e.g. 0.0.0.0:443");
            }
        }
        PilotProperties.Backbone.Tls tls = backbone.getTls();
        if ((tls.getCertificate() == null) != (tls.getPrivateKey() == null)) {
            throw new PilotConfigurationException(tls.getCertificate() == null ? "pilot.backbone.tls.certificate"
                    : "pilot.backbone.tls.private-key", "is not set, but the other TLS file is",
                    "Set both pilot.backbone.tls.certificate and pilot.backbone.tls.private-key (PEM), or neither");
        }
        TlsFiles files = null;
        if (tls.getCertificate() != null) {
            try {
                files = new TlsFiles(tls.getCertificate(), tls.getPrivateKey()).checked();
            } catch (IllegalArgumentException e) {
                throw new PilotConfigurationException("pilot.backbone.tls.certificate", e.getMessage(),
                        "Give a readable PEM certificate chain and its PEM (PKCS#8) private key");
            }
        }
        return new WebSocketServing(backbone.isTcp(), binds, files, WebSocketServing.DEFAULTS.maxConnections());
    }

    /** Whether any of the embedded backbone's listener properties is set (they mean nothing without one). */
    static boolean listenerConfigured(PilotProperties.Backbone backbone) {
        return !backbone.getTcpBind().isEmpty() || !backbone.isTcp() || backbone.getTls().getCertificate() != null
                || backbone.getTls().getPrivateKey() != null;
    }

    /**
     * The proxy the properties name, or null when they name none (then the engine reads {@code HTTPS_PROXY}).
     *
     * @throws PilotConfigurationException naming the property that is wrong, never the password
     */
    static ProxySettings proxy(PilotProperties.Proxy proxy) {
        boolean byUrl = proxy.getUrl() != null && !proxy.getUrl().isBlank();
        boolean byHost = proxy.getHost() != null && !proxy.getHost().isBlank();
        if (byUrl && byHost) {
            throw new PilotConfigurationException("pilot.proxy.host", "is set as well as pilot.proxy.url",
                    "Set either pilot.proxy.url or pilot.proxy.host and pilot.proxy.port");
        }
        if (!byUrl && !byHost) {
            if (proxy.getPort() != null || proxy.getUsername() != null || proxy.getPassword() != null) {
                throw new PilotConfigurationException("pilot.proxy.host", "is not set, but other pilot.proxy properties are",
                        "Set pilot.proxy.url (http://host:port) or pilot.proxy.host and pilot.proxy.port");
            }
            return null;
        }
        List<String> noProxy = proxy.getNoProxy() != null ? proxy.getNoProxy() : ProxySettings.noProxyFromEnvironment();
        ProxySettings base;
        if (byUrl) {
            try {
                base = ProxySettings.parse("pilot.proxy.url", proxy.getUrl().strip(), noProxy);
            } catch (IllegalArgumentException e) { // its message names pilot.proxy.url, never the URL
                throw new PilotConfigurationException("pilot.proxy.url", e.getMessage(), HOW);
            }
        } else {
            if (proxy.getPort() == null) {
                throw new PilotConfigurationException("pilot.proxy.port", "is not set, but pilot.proxy.host is", HOW);
            }
            try {
                base = new ProxySettings(proxy.getHost().strip(), proxy.getPort(), null, null, noProxy);
            } catch (IllegalArgumentException e) {
                throw new PilotConfigurationException("pilot.proxy.port", e.getMessage(), HOW);
            }
        }
        String user = proxy.getUsername() != null ? proxy.getUsername() : base.user();
        String password = proxy.getPassword() != null ? proxy.getPassword() : base.password();
        if (password != null && user == null) {
            throw new PilotConfigurationException("pilot.proxy.password", "is set, but no user is", HOW);
        }
        return new ProxySettings(base.host(), base.port(), user, user == null ? null : password == null ? "" : password,
                base.noProxy());
    }
}
