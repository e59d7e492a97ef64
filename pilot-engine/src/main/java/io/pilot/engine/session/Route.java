package io.pilot.engine.session;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotAddress;

import java.net.InetSocketAddress;

/**
 * Where a datagram came from or goes to: straight to a UDP endpoint, or to a node address through the
 * relay this node uses.
 */
record Route(InetSocketAddress direct, PilotAddress relayed) {

    static Route direct(InetSocketAddress endpoint) {
        return new Route(endpoint, null);
    }

    static Route relayed(PilotAddress address) {
        return new Route(null, address);
    }

    boolean isRelayed() {
        return relayed != null;
    }

    @Override
    public String toString() {
        return isRelayed() ? "relay→" + relayed : HostPort.format(direct);
    }
}
