package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class UdpDatagramCountTests {

    @Test
    void readsInDatagramsFromTheUdpValuesLine() {
        List<String> snmp = List.of(
                "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn",
                "Tcp: 1 200 120000 -1",
                "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors",
                "Udp: 142315871 17 0 163004801 0 0 0 0 0",
                "UdpLite: InDatagrams NoPorts InErrors OutDatagrams",
                "UdpLite: 5 0 0 5");
        assertThat(UdpDatagramCount.parse(snmp)).hasValue(142315871L);
    }

    @Test
    void aFileWithoutTheCounterGivesNothing() {
        assertThat(UdpDatagramCount.parse(List.of("Tcp: RtoAlgorithm", "Tcp: 1"))).isEqualTo(OptionalLong.empty());
        assertThat(UdpDatagramCount.parse(List.of("Udp: NoPorts InErrors", "Udp: 1 2"))).isEqualTo(OptionalLong.empty());
        assertThat(UdpDatagramCount.parse(List.of("Udp: InDatagrams NoPorts"))).isEqualTo(OptionalLong.empty());
    }

    @Test
    void thisMachineCountsDatagrams() {
        // CI and bin/bench run on Linux, where the kernel keeps the counter.
        assertThat(UdpDatagramCount.received()).isPresent();
    }
}
