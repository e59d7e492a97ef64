package io.pilot.engine.directory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The addresses a node bound to the wildcard address can be reached at on its own networks: every
 * address of every interface that is up. Loopback addresses are published only when there is nothing else:
 * to any other host, 127.0.0.1 is that host itself.
 */
final class LocalAddresses {

    private LocalAddresses() {
    }

    static List<InetSocketAddress> of(int port) {
        List<InetSocketAddress> external = new ArrayList<>();
        List<InetSocketAddress> loopback = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address.isLinkLocalAddress() || address.isMulticastAddress()) {
                        continue;
                    }
                    (address.isLoopbackAddress() ? loopback : external).add(new InetSocketAddress(address, port));
                }
            }
        } catch (SocketException e) {
            loopback.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
        if (external.isEmpty()) {
            external.addAll(loopback);
        }
        return external.size() > NodeRecord.MAX_ENTRIES - 1 ? external.subList(0, NodeRecord.MAX_ENTRIES - 1) : external;
    }
}
