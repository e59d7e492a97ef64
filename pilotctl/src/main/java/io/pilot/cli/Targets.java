package io.pilot.cli;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.Names;

/**
 * Parses what operators type, so that a typing mistake is refused before any node is asked.
 * Endpoints ({@code HOST:PORT}) are read by the engine's {@code HostPort}, as every Pilot program reads them.
 */
final class Targets {

    private Targets() {
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
