package io.pilot.engine.net;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The HTTP CONNECT proxy a node reaches its backbone's WebSocket through, read the way other tools read it:
 * the system property {@code pilot.proxy}, else {@code HTTPS_PROXY} / {@code https_proxy}, else the JVM's
 * {@code https.proxyHost}/{@code https.proxyPort}; hosts exempt from {@code NO_PROXY} / {@code no_proxy} (or
 * {@code http.nonProxyHosts}). Credentials come from the URL's user part ({@code http://user:pass@host:port})
 * and never appear in {@link #toString()}.
 *
 * @param host the proxy's host
 * @param port the proxy's port
 * @param user the proxy user for basic authentication, or null
 * @param password its password, or null
 * @param noProxy host names, suffixes ({@code .corp.example}) or {@code *} reached without the proxy
 */
public record ProxySettings(String host, int port, String user, String password, List<String> noProxy) {

    /** @throws IllegalArgumentException if the host is blank or the port is not 1-65535 */
    public ProxySettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("a proxy needs a host");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("a proxy port is 1-65535, got " + port);
        }
        noProxy = List.copyOf(noProxy);
    }

    /** The proxy configured for this process, or null for none. */
    public static ProxySettings fromEnvironment() {
        return from(System.getenv(), System.getProperties());
    }

    /**
     * The proxy {@code env} and {@code properties} configure, or null for none.
     *
     * @throws IllegalArgumentException naming the variable whose value is not an {@code http://host:port} URL
     */
    static ProxySettings from(Map<String, String> env, Properties properties) {
        String source = "pilot.proxy";
        String url = properties.getProperty("pilot.proxy");
        if (blank(url)) {
            source = env.containsKey("HTTPS_PROXY") ? "HTTPS_PROXY" : "https_proxy";
            url = env.get(source);
        }
        if (blank(url) && !blank(properties.getProperty("https.proxyHost"))) {
            source = "https.proxyHost";
            url = "http://" + properties.getProperty("https.proxyHost") + ":"
                    + properties.getProperty("https.proxyPort", "443");
        }
        if (blank(url)) {
            return null;
        }
        return parse(source, url.trim(), noProxy(env, properties));
    }

    /** The hosts this process reaches without a proxy: {@code NO_PROXY} / {@code no_proxy}, else {@code http.nonProxyHosts}. */
    public static List<String> noProxyFromEnvironment() {
        return noProxy(System.getenv(), System.getProperties());
    }

    private static List<String> noProxy(Map<String, String> env, Properties properties) {
        String exempt = env.getOrDefault("NO_PROXY", env.get("no_proxy"));
        return blank(exempt)
                ? Stream.of(properties.getProperty("http.nonProxyHosts", "").split("\\|")).map(String::trim)
                        .filter(s -> !s.isEmpty()).map(s -> s.startsWith("*") ? s.substring(1) : s).toList()
                : Stream.of(exempt.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The proxy an {@code http://[user:password@]host:port} URL names (user and password percent-encoded), for a
     * setting that overrides the environment ({@code pilotctl daemon start --proxy}, {@code pilot.proxy.url}).
     *
     * @param source what the URL came from, named in the error (never the URL: it may hold a password)
     * @throws IllegalArgumentException naming {@code source} if the URL is not an http proxy URL
     */
    public static ProxySettings parse(String source, String url, List<String> noProxy) {
        URI uri;
        try {
            uri = URI.create(url.contains("://") ? url : "http://" + url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " is not a proxy URL (http://[user:password@]host:port)");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(source + " must be an http://[user:password@]host:port proxy URL, got scheme "
                    + uri.getScheme() + " and host " + uri.getHost());
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
        }
        try {
            return new ProxySettings(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80, user, password, noProxy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code target} is reached through this proxy rather than exempt by {@link #noProxy}. */
    public boolean appliesTo(String target) {
        String host = target.toLowerCase(Locale.ROOT);
        for (String rule : noProxy) {
            String exempt = rule.toLowerCase(Locale.ROOT);
            if (exempt.equals("*") || host.equals(exempt) || host.equals(exempt.replaceFirst("^\\.", ""))
                    || (exempt.startsWith(".") ? host.endsWith(exempt) : host.endsWith("." + exempt))) {
                return false;
            }
        }
        return true;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    boolean authenticates() {
        return user != null;
    }

    /** The proxy as an operator may read it in a log: {@code http://host:port}, never the credentials. */
    @Override
    public String toString() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
