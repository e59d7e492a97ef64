package io.pilot.engine.address;

import java.util.Objects;

/**
 * A service on a node: an address and a 16-bit port, printed {@code N:XXXX.XXXX.XXXX:PORT}.
 */
public record PilotSocketAddress(PilotAddress address, int port) {

    public PilotSocketAddress {
        Objects.requireNonNull(address, "address");
        Ports.check(port);
    }

    /**
     * Parses {@code N:XXXX.XXXX.XXXX:PORT}.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static PilotSocketAddress parse(String text) {
        Objects.requireNonNull(text, "socket address");
        int colon = text.lastIndexOf(':');
        if (colon < 0 || text.indexOf(':') == colon) {
            throw new IllegalArgumentException(
                    "invalid Pilot socket address '" + text + "': expected N:XXXX.XXXX.XXXX:PORT");
        }
        String port = text.substring(colon + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(port) > Ports.MAX) {
            throw new IllegalArgumentException(
                    "invalid Pilot socket address '" + text + "': port '" + port + "' is not a number 0.." + Ports.MAX);
        }
        return new PilotSocketAddress(PilotAddress.parse(text.substring(0, colon)), Integer.parseInt(port));
    }

    @Override
    public String toString() {
        return address + ":" + port;
    }
}
