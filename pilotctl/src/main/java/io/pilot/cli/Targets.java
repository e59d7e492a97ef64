package io.pilot.cli;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.Names;

import java.net.InetSocketAddress;

/** Parses what operators type, so that a typing mistake is refused before any node is asked. */
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

    /**
     * A TARGET: an address ({@code N:XXXX.XXXX.XXXX}, anything with a ':') or a hostname.
     *
     * @throws IllegalArgumentException saying which of the two it is not
     */
    static String target(String text) {
        if (text.indexOf(':') >= 0) {
            PilotAddress.parse(text);
        } else {
            Names.checkHostname(text);
        }
        return text;
    }
}
