package io.pilot.cli;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.agent.WebSocketServing;
import io.pilot.engine.net.TlsFiles;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A backbone's TCP listener options ({@code --tcp-bind}, {@code --tls-cert}, {@code --tls-key}, {@code --no-tcp}),
 * checked once for both {@code pilotctl backbone start} (before anything starts) and {@link BackboneMain}.
 *
 * @param samePort serve WebSocket on the UDP socket's port number too (off with {@code --no-tcp})
 * @param binds further TCP addresses
 * @param tls certificate and key, checked to make a TLS server context, or null for plain WebSocket
 */
record WebSocketOptions(boolean samePort, List<InetSocketAddress> binds, TlsFiles tls) {

    WebSocketOptions {
        binds = List.copyOf(binds);
    }

    /**
     * @param tcpBinds {@code HOST:PORT} values, each one or a comma-separated list
     * @throws IllegalArgumentException naming the option whose value is wrong: a bind that is not {@code HOST:PORT},
     *         one PEM file without the other, a file that is missing, unreadable or not a PEM certificate/PKCS#8 key
     */
    static WebSocketOptions of(boolean samePort, List<String> tcpBinds, Path cert, Path key) {
        List<InetSocketAddress> binds = new ArrayList<>();
        for (String value : tcpBinds) {
            for (String entry : value.split(",")) {
                try {
                    binds.add(HostPort.parseBind(entry.strip()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--tcp-bind " + entry.strip() + ": " + e.getMessage(), e);
                }
            }
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        TlsFiles tls = cert == null ? null : new TlsFiles(cert, key).checked();
        if (!samePort && binds.isEmpty() && tls != null) {
            throw new IllegalArgumentException("--tls-cert with --no-tcp and no --tcp-bind: there is no TCP listener to use it");
        }
        return new WebSocketOptions(samePort, binds, tls);
    }

    /** The arguments {@link BackboneMain} reads back. */
    List<String> toArgs() {
        List<String> args = new ArrayList<>();
        binds.forEach(bind -> args.addAll(List.of("--tcp-bind", HostPort.format(bind))));
        if (tls != null) {
            args.addAll(List.of("--tls-cert", tls.certificate().toString(), "--tls-key", tls.privateKey().toString()));
        }
        if (!samePort) {
            args.add("--no-tcp");
        }
        return args;
    }

    WebSocketServing serving() {
        return new WebSocketServing(samePort, binds, tls, WebSocketServing.DEFAULTS.maxConnections());
    }
}
