package io.pilot.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.address.HostPort;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;

class SocketReachTests {

    private static final InetSocketAddress V4 = HostPort.parse("192.0.2.1:7400");
    private static final InetSocketAddress V6 = HostPort.parse("[2001:db8::1]:7400");

    @Test
    void anIpv4SocketReachesIpv4Only() {
        for (String bound : List.of("127.0.0.1:7400", "0.0.0.0:7400")) {
            SocketReach reach = new SocketReach(HostPort.parseBind(bound));
            assertThat(reach.reaches(V4)).isTrue();
            assertThat(reach.reaches(V6)).isFalse();
            assertThat(reach.reachable(List.of(V6, V4))).containsExactly(V4);
            assertThat(reach.whyNot(V6)).isEqualTo("this node's socket is bound to " + bound
                    + ", which cannot send to IPv6 [2001:db8::1]:7400 (bind to [::] for both families)");
        }
    }

    @Test
    void aDualStackWildcardReachesBothFamiliesAndASpecificIpv6AddressIpv6Only() {
        SocketReach dualStack = new SocketReach(HostPort.parseBind("[::]:7400"));
        assertThat(dualStack.reachable(List.of(V6, V4))).containsExactly(V6, V4);
        SocketReach ipv6 = new SocketReach(HostPort.parseBind("[::1]:7400"));
        assertThat(ipv6.reachable(List.of(V6, V4))).containsExactly(V6);
        assertThat(ipv6.whyNot(V4)).isEqualTo("this node's socket is bound to [::1]:7400, which cannot send to IPv4 192.0.2.1:7400");
    }

    @Test
    void aLinkLocalTargetNeedsItsScopeAndAnUnboundSocketPassesEverything() throws UnknownHostException {
        InetSocketAddress unscoped = HostPort.parse("[fe80::1]:7400");
        InetSocketAddress scoped = new InetSocketAddress(
                Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 2), 7400);
        SocketReach dualStack = new SocketReach(HostPort.parseBind("[::]:7400"));
        assertThat(dualStack.reaches(unscoped)).isFalse();
        assertThat(dualStack.whyNot(unscoped)).contains("link-local without a scope");
        assertThat(dualStack.reaches(scoped)).isTrue();
        assertThat(SocketReach.UNBOUND.reachable(List.of(V6, V4))).containsExactly(V6, V4);
        assertThat(dualStack.reaches(InetSocketAddress.createUnresolved("nowhere.invalid", 7400))).isFalse();
    }
}
