package io.pilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.address.HostPort;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

/** What {@code pilotctl backbone start} tells users to pass to other nodes. */
class BackboneReachTests {

    @Test
    void aSpecificBindIsPassedAsItIs() {
        assertThat(BackboneLauncher.reachAt("127.0.0.1:7400")).containsExactly("127.0.0.1:7400");
        assertThat(BackboneLauncher.reachAt("[2001:db8::1]:7400")).containsExactly("[2001:db8::1]:7400");
    }

    @Test
    void aWildcardBindListsThisMachinesAddressesEachOfWhichParsesBack() {
        for (String wildcard : new String[] {"[::]:7400", "0.0.0.0:7400"}) {
            assertThat(BackboneLauncher.reachAt(wildcard)).isNotEmpty().allSatisfy(text -> {
                InetSocketAddress parsed = HostPort.parse(text);
                assertThat(parsed.getAddress().isAnyLocalAddress()).as(text).isFalse();
                assertThat(parsed.getAddress().isLinkLocalAddress()).as(text).isFalse();
                assertThat(parsed.getPort()).isEqualTo(7400);
                assertThat(HostPort.format(parsed)).isEqualTo(text);
            });
        }
    }
}
