package io.pilot.engine.directory;

import io.pilot.engine.address.MachineAddresses;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The local endpoints a node publishes for its socket ({@link MachineAddresses}), as many as a record
 * holds beside the relay.
 */
final class LocalAddresses {

    private LocalAddresses() {
    }

    static List<InetSocketAddress> of(InetSocketAddress bound) {
        List<InetSocketAddress> all = MachineAddresses.reaching(bound);
        return all.size() > NodeRecord.MAX_ENTRIES - 1 ? all.subList(0, NodeRecord.MAX_ENTRIES - 1) : all;
    }
}
