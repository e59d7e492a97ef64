package io.pilot.engine.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class SourcePrefixTests {

    @Test
    void ipv6AddressesOfOneSlash64ShareABudget() throws Exception {
        assertThat(SourcePrefix.of(InetAddress.getByName("2001:db8:1:2::1")))
                .isEqualTo(SourcePrefix.of(InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:fffe")));
        assertThat(SourcePrefix.of(InetAddress.getByName("2001:db8:1:2::1")))
                .isNotEqualTo(SourcePrefix.of(InetAddress.getByName("2001:db8:1:3::1")));
    }

    @Test
    void ipv4AddressesAreKeptWholeAndApartFromIpv6() throws Exception {
        assertThat(SourcePrefix.of(InetAddress.getByName("192.0.2.1")))
                .isNotEqualTo(SourcePrefix.of(InetAddress.getByName("192.0.2.2")));
        // 0:0:c000:201::/64 has the same 64 bits as 192.0.2.1 but is an IPv6 source.
        assertThat(SourcePrefix.of(InetAddress.getByName("192.0.2.1")))
                .isNotEqualTo(SourcePrefix.of(InetAddress.getByName("0:0:c000:201::")));
        assertThat(SourcePrefix.of(InetAddress.getByName("192.0.2.1")))
                .isEqualTo(SourcePrefix.of(InetAddress.getByName("192.0.2.1")));
    }
}
