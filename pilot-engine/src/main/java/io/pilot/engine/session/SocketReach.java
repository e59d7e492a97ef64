package io.pilot.engine.session;

import io.pilot.engine.address.HostPort;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Which destinations a UDP socket can send to, judged from the address it is bound to, so that a node
 * skips a peer's candidates it could only fail on rather than sending to them:
 * <ul>
 *   <li>bound to the IPv6 wildcard {@code ::} (also what Netty makes of {@code 0.0.0.0} on a host with
 *       IPv6): a dual-stack socket, IPv4 destinations go out as IPv4-mapped — everything is reachable;</li>
 *   <li>bound to an IPv4 address (the IPv4 wildcard on a host without IPv6 included): IPv4 only
 *       ({@code EAFNOSUPPORT} otherwise);</li>
 *   <li>bound to a specific IPv6 address: IPv6 only ({@code ENETUNREACH} for IPv4-mapped destinations).</li>
 * </ul>
 * An IPv6 link-local destination without a scope id is unreachable from any socket: the kernel cannot
 * tell which link is meant. A dual-stack socket with IPV6_V6ONLY set (sysctl {@code net.ipv6.bindv6only=1})
 * cannot be told from its address; its failed sends to IPv4 are handled where datagrams are sent.
 */
record SocketReach(InetSocketAddress bound) {

    /** Before the socket is bound nothing is known: everything passes. */
    static final SocketReach UNBOUND = new SocketReach(null);

    boolean reaches(InetSocketAddress target) {
        if (target.isUnresolved()) {
            return false;
        }
        if (target.getAddress() instanceof Inet6Address v6 && v6.isLinkLocalAddress() && v6.getScopeId() == 0
                && v6.getScopedInterface() == null) {
            return false;
        }
        if (bound == null || bound.isUnresolved()) {
            return true;
        }
        if (bound.getAddress() instanceof Inet4Address) {
            return target.getAddress() instanceof Inet4Address;
        }
        return bound.getAddress().isAnyLocalAddress() || target.getAddress() instanceof Inet6Address;
    }

    /** The targets this socket reaches, in their order. */
    List<InetSocketAddress> reachable(List<InetSocketAddress> targets) {
        return targets.stream().allMatch(this::reaches) ? targets : targets.stream().filter(this::reaches).toList();
    }

    /** Why {@code target} is not reached, for an error an operator reads. */
    String whyNot(InetSocketAddress target) {
        if (target.isUnresolved()) {
            return HostPort.format(target) + " is not a resolved address";
        }
        if (target.getAddress().isLinkLocalAddress() && target.getAddress() instanceof Inet6Address) {
            return HostPort.format(target) + " is link-local without a scope (say which interface: [fe80::1%eth0]:7400)";
        }
        return "this node's socket is bound to " + HostPort.format(bound) + ", which cannot send to "
                + (target.getAddress() instanceof Inet6Address ? "IPv6" : "IPv4") + " " + HostPort.format(target)
                + (bound.getAddress() instanceof Inet4Address ? " (bind to [::] for both families)" : "");
    }
}
