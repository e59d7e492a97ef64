package io.pilot.engine.directory;

import io.pilot.engine.address.HostPort;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * A UDP endpoint where a node may be reached, and how it was learned.
 *
 * @param kind local (bound on the node), reflexive (as the backbone or a STUN server sees it), or relay
 * @param address the IP address and port
 */
public record Endpoint(Kind kind, InetSocketAddress address) {

    /** How an endpoint was learned; the order is the order in which peers try them. */
    public enum Kind {
        LOCAL, REFLEXIVE, RELAY
    }

    public Endpoint {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("endpoint " + address + " is not a resolved IP address");
        }
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + HostPort.format(address);
    }
}
