package io.pilot.cli;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.control.ControlPaths;
import io.pilot.engine.directory.Names;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.net.ProxySettings;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a standalone daemon is started with. One type for both ways of starting it, so that the options
 * {@code pilotctl daemon start} checks are exactly those {@link DaemonMain} receives: in the pilotctl
 * process ({@code --foreground}) or as arguments of a background process ({@link #toArgs}, {@link #parse}).
 *
 * @param backboneKey base64url, or null: trust on first use
 * @param bind HOST:PORT of the node's UDP socket
 * @param identity the identity file, or null: {@code <hostname>.key} beside the run directory
 * @param socket the control socket, or null: the default one of the hostname
 * @param joinToken the realm's join token, or null: none. It never goes into {@link #toArgs} (a command line is
 *        world-readable) but into the background process's environment ({@link #passSecrets}), where
 *        {@link #parse} reads it back
 * @param proxy the HTTP CONNECT proxy URL ({@code --proxy} or {@link #PROXY_VARIABLE}), or null: the environment's
 *        ({@code HTTPS_PROXY}...). It may hold a password, so it travels as the join token does
 */
record DaemonSettings(String hostname, String backbone, String backboneKey, List<String> groups,
                      List<String> capabilities, String bind, Path identity, Path socket, String joinToken, String proxy) {

    static final String DEFAULT_BIND = "0.0.0.0:0";
    /** The variable a proxy URL travels in to the background process (and may be given in, off the command line). */
    static final String PROXY_VARIABLE = "PILOT_PROXY";

    DaemonSettings {
        groups = List.copyOf(groups);
        capabilities = List.copyOf(capabilities);
    }

    /** Without a proxy of its own: the environment's, if any. */
    DaemonSettings(String hostname, String backbone, String backboneKey, List<String> groups, List<String> capabilities,
            String bind, Path identity, Path socket, String joinToken) {
        this(hostname, backbone, backboneKey, groups, capabilities, bind, identity, socket, joinToken, null);
    }

    /**
     * The proxy to reach the backbone's WebSocket through, or null: then the engine reads the environment's.
     *
     * @throws IllegalArgumentException naming {@code --proxy} (never its password) if it is no http proxy URL
     */
    ProxySettings proxySettings() {
        return proxy == null ? null : ProxySettings.parse("--proxy", proxy, ProxySettings.noProxyFromEnvironment());
    }

    /**
     * The backbones {@code --backbone} lists, comma-separated: the realm's backbones, tried in that order.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code HOST:PORT}, or one listed twice
     */
    List<InetSocketAddress> backbones() {
        List<InetSocketAddress> endpoints = new ArrayList<>();
        for (String entry : backbone.split(",")) {
            InetSocketAddress endpoint;
            try {
                endpoint = HostPort.parse(entry.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--backbone " + backbone + ": " + e.getMessage(), e);
            }
            if (endpoints.contains(endpoint)) {
                throw new IllegalArgumentException("--backbone " + backbone + " lists " + entry.strip() + " twice");
            }
            endpoints.add(endpoint);
        }
        return endpoints;
    }

    /**
     * Refuses what a node would refuse later, before anything starts.
     *
     * @throws IllegalArgumentException naming the option and what is wrong with it
     */
    DaemonSettings check() {
        Names.checkHostname(hostname);
        if (backbone == null) {
            throw new IllegalArgumentException("no backbone: give --backbone HOST:PORT[,HOST:PORT...]");
        }
        backbones();
        HostPort.parseBind(bind);
        if (backboneKey != null) {
            NodeKey.parse(backboneKey);
        }
        groups.forEach(Names::checkGroup);
        capabilities.forEach(Names::checkCapability);
        if (joinToken != null) {
            Names.checkJoinToken(joinToken);
        }
        proxySettings();
        return this;
    }

    /**
     * Gives a background process the join token and the proxy URL (or takes away ones inherited from pilotctl's
     * environment): a command line is world-readable, an environment is not.
     */
    void passSecrets(Map<String, String> environment) {
        pass(environment, SecretOption.JOIN_TOKEN.variable(), joinToken);
        pass(environment, PROXY_VARIABLE, proxy);
    }

    private static void pass(Map<String, String> environment, String variable, String value) {
        if (value == null) {
            environment.remove(variable);
        } else {
            environment.put(variable, value);
        }
    }

    /** As a record's, without the join token: settings end up in logs and error messages. */
    @Override
    public String toString() {
        return "DaemonSettings[hostname=" + hostname + ", backbone=" + backbone + ", backboneKey=" + backboneKey
                + ", groups=" + groups + ", capabilities=" + capabilities + ", bind=" + bind + ", identity=" + identity
                + ", socket=" + socket + ", joinToken=" + (joinToken == null ? "none" : "******")
                + ", proxy=" + (proxy == null ? "none" : "******") + "]";
    }

    Path identityFile() {
        return identity != null ? identity : ControlPaths.defaultDirectory().getParent().resolve(hostname + ".key");
    }

    Path socketFile() {
        return socket != null ? socket : ControlPaths.defaultDirectory().resolve(hostname + ".sock");
    }

    /** The arguments {@link #parse} reads back. */
    List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of("--hostname", hostname, "--backbone", backbone, "--bind", bind));
        if (backboneKey != null) {
            args.addAll(List.of("--backbone-key", backboneKey));
        }
        groups.forEach(g -> args.addAll(List.of("--group", g)));
        capabilities.forEach(c -> args.addAll(List.of("--capability", c)));
        if (identity != null) {
            args.addAll(List.of("--identity", identity.toString()));
        }
        if (socket != null) {
            args.addAll(List.of("--socket", socket.toString()));
        }
        return args;
    }

    /**
     * <pre>
     * --hostname H --backbone HOST:PORT [--backbone-key KEY] [--group G]... [--capability C]...
     * [--bind HOST:PORT] [--identity FILE] [--socket FILE]
     * </pre>
     * and the join token from {@code PILOT_JOIN_TOKEN} in {@code environment}, if there.
     *
     * @throws IllegalArgumentException for an unknown option, one without its value, or a bad value
     */
    static DaemonSettings parse(String[] args, Map<String, String> environment) {
        String hostname = null;
        String backbone = null;
        String key = null;
        String bind = DEFAULT_BIND;
        Path identity = null;
        Path socket = null;
        List<String> groups = new ArrayList<>();
        List<String> capabilities = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--hostname" -> hostname = value;
                case "--backbone" -> backbone = value;
                case "--backbone-key" -> key = value;
                case "--group" -> groups.add(value);
                case "--capability" -> capabilities.add(value);
                case "--bind" -> bind = value;
                case "--identity" -> identity = Path.of(value);
                case "--socket" -> socket = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (hostname == null) {
            throw new IllegalArgumentException("--hostname is required");
        }
        String joinToken = environment.get(SecretOption.JOIN_TOKEN.variable());
        String proxy = environment.get(PROXY_VARIABLE);
        return new DaemonSettings(hostname, backbone, key, groups, capabilities, bind, identity, socket,
                joinToken == null || joinToken.isEmpty() ? null : joinToken,
                proxy == null || proxy.isBlank() ? null : proxy).check();
    }
}
