package io.pilot.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.wire.WireFormat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * DPLPMTUD on a real path whose middle hop carries less than the hosts' links: the router's WAN link (and the
 * public switch's end of it) has an MTU of {@value #MIDDLE_MTU} while the host's own link has 1500, so the host's
 * kernel sends datagrams up to 1472 bytes and the router refuses (does not fragment: the don't-fragment bit is set)
 * every one above {@value #MIDDLE_MTU} - 28. The search must settle between the base and that, and no fragment may
 * cross either side of the router: nftables counts them on ingress of both veth ends (netdev hooks, which see
 * frames before the router's conntrack reassembles anything).
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(NatLab.LOCK)
class PathMtuTest {

    private static final int MIDDLE_MTU = 1400;
    /** IPv4 (20) and UDP (8) headers. */
    private static final int IP_UDP_HEADERS = 28;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @RegisterExtension
    final NatLabExtension lab = new NatLabExtension(Topology.create()
            .publicHost("sink")
            .site("east", NatType.ENDPOINT_INDEPENDENT, "alice"));

    @Test
    void theSearchSettlesBelowTheMiddleHopsMtuWithoutFragments() throws Exception {
        String router = lab.get().prefix() + "r-east";
        String pub = lab.get().prefix() + "pub";
        Shell.run("ip", "-n", router, "link", "set", "wan", "mtu", String.valueOf(MIDDLE_MTU));
        Shell.run("ip", "-n", pub, "link", "set", "w-east", "mtu", String.valueOf(MIDDLE_MTU));
        countFragments(router, "p-alice"); // from the host, before the router
        countFragments(pub, "w-east"); // from the router, towards the sink

        LabProcess sink = lab.get().java("sink", BottleneckSink.class);
        String key = sink.awaitLine(Pattern.compile("SINK (\\S+)"), WAIT).group(1);
        LabProcess source = lab.get().java("alice", PathMtuSource.class, lab.get().address("sink").getHostAddress(),
                key, "48");
        int payload = Integer.parseInt(source.awaitLine(Pattern.compile("PAYLOAD (\\d+)"), WAIT).group(1));

        int datagram = payload + WireFormat.DATA_OVERHEAD;
        assertThat(datagram).as("the datagram size the search settled on").isGreaterThan(WireFormat.MAX_DATAGRAM)
                .isLessThanOrEqualTo(MIDDLE_MTU - IP_UDP_HEADERS);
        assertThat(fragments(router, "p-alice")).as("fragments the host sent").isZero();
        assertThat(fragments(pub, "w-east")).as("fragments the router sent on").isZero();
    }

    private static void countFragments(String namespace, String device) {
        nft(namespace, "add table netdev frag_" + device + "\n"
                + "add chain netdev frag_" + device + " in { type filter hook ingress device \"" + device
                + "\" priority 0; }\n"
                + "add rule netdev frag_" + device + " in ip frag-off & 0x3fff != 0 counter\n");
    }

    private static long fragments(String namespace, String device) {
        String listing = Shell.run(Namespaces.exec(namespace, List.of("nft", "list", "table", "netdev",
                "frag_" + device)), "");
        Matcher counter = Pattern.compile("counter packets (\\d+)").matcher(listing);
        assertThat(counter.find()).as("the fragment counter in %s", listing).isTrue();
        return Long.parseLong(counter.group(1));
    }

    private static void nft(String namespace, String script) {
        Shell.run(Namespaces.exec(namespace, List.of("nft", "-f", "-")), script);
    }
}
