package io.pilot.engine.address;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where other machines reach a socket of this one: for a socket bound to the wildcard, every address of
 * every interface that is up, in the families the socket serves (both for {@code [::]}, which is
 * dual-stack; IPv4 only for an IPv4 socket). Left out: multicast, and IPv6 link-local addresses, which
 * mean nothing without the interface's scope and that scope means nothing on another machine. Loopback
 * addresses come only when there is nothing else: to any other host, 127.0.0.1 is that host itself.
 * What a node publishes in its record and what {@code pilotctl backbone start} tells users to pass.
 */
public final class MachineAddresses {

    private MachineAddresses() {
    }

    /** The endpoints {@code bound} is reached at: itself unless it is a wildcard. */
    public static List<InetSocketAddress> reaching(InetSocketAddress bound) {
        if (bound.isUnresolved() || !bound.getAddress().isAnyLocalAddress()) {
            return List.of(bound);
        }
        boolean ipv4Only = bound.getAddress() instanceof Inet4Address;
        List<InetSocketAddress> external = new ArrayList<>();
        List<InetSocketAddress> loopback = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address.isLinkLocalAddress() || address.isMulticastAddress()
                            || ipv4Only && !(address instanceof Inet4Address)) {
                        continue;
                    }
                    (address.isLoopbackAddress() ? loopback : external).add(new InetSocketAddress(address, bound.getPort()));
                }
            }
        } catch (SocketException e) {
            loopback.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort()));
        }
        return external.isEmpty() ? loopback : external;
    }
}
