package io.pilot.cli;

import io.pilot.engine.address.HostPort;

import java.net.InetSocketAddress;

/**
 * The value of a backbone's {@code --http-bind}: {@code HOST:PORT}, or a port alone, which binds loopback only
 * (the page shows the realm's hostnames and addresses: serving it beyond this machine is a choice to write out).
 * Checked once for both {@code pilotctl backbone start} (before anything starts) and {@link BackboneMain}.
 */
final class StatusHttpBind {

    private StatusHttpBind() {
    }

    /** @throws IllegalArgumentException naming the option, if the value is neither {@code HOST:PORT} nor a port */
    static InetSocketAddress parse(String value) {
        try {
            if (value.matches("\\d{1,5}")) {
                int port = Integer.parseInt(value);
                if (port > 65_535) {
                    throw new IllegalArgumentException("port " + port + " is outside 0-65535");
                }
                return new InetSocketAddress("127.0.0.1", port);
            }
            return HostPort.parseBind(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--http-bind " + value + ": " + e.getMessage()
                    + " (give HOST:PORT, or a port alone for loopback)", e);
        }
    }
}
