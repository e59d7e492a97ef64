package io.pilot.cli;

import java.net.InetSocketAddress;

/** Parses what operators type: {@code HOST:PORT}. */
final class Targets {

    private Targets() {
    }

    static InetSocketAddress hostPort(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (e.g. 127.0.0.1:7400)");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0-65535");
        }
        return new InetSocketAddress(text.substring(0, colon), port);
    }
}
