package io.pilot.cli;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.control.ControlPaths;
import io.pilot.engine.directory.Names;
import io.pilot.engine.identity.NodeKey;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a standalone daemon is started with. One type for both ways of starting it, so that the options
 * {@code pilotctl daemon start} checks are exactly those {@link DaemonMain} receives: in the pilotctl
 * process ({@code --foreground}) or as arguments of a background process ({@link #toArgs}, {@link #parse}).
 *
 * @param backboneKey base64url, or null: trust on first use
 * @param bind HOST:PORT of the node's UDP socket
 * @param identity the identity file, or null: {@code <hostname>.key} beside the run directory
 * @param socket the control socket, or null: the default one of the hostname
 */
record DaemonSettings(String hostname, String backbone, String backboneKey, List<String> groups,
                      List<String> capabilities, String bind, Path identity, Path socket) {

    static final String DEFAULT_BIND = "0.0.0.0:0";

    DaemonSettings {
        groups = List.copyOf(groups);
        capabilities = List.copyOf(capabilities);
    }

    /**
     * Refuses what a node would refuse later, before anything starts.
     *
     * @throws IllegalArgumentException naming the option and what is wrong with it
     */
    DaemonSettings check() {
        Names.checkHostname(hostname);
        if (backbone == null) {
            throw new IllegalArgumentException("no backbone: give --backbone HOST:PORT");
        }
        HostPort.parse(backbone);
        HostPort.parseBind(bind);
        if (backboneKey != null) {
            NodeKey.parse(backboneKey);
        }
        groups.forEach(Names::checkGroup);
        capabilities.forEach(Names::checkCapability);
        return this;
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
     *
     * @throws IllegalArgumentException for an unknown option, one without its value, or a bad value
     */
    static DaemonSettings parse(String[] args) {
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
        return new DaemonSettings(hostname, backbone, key, groups, capabilities, bind, identity, socket).check();
    }
}
