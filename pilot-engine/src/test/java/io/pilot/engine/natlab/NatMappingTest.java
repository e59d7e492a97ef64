package io.pilot.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/** The lab's routers map and filter like the NAT types they claim to be. */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(NatLab.LOCK)
class NatMappingTest {

    private static final int SERVER_PORT = 3478;
    private static final int CLIENT_PORT = 40000;
    private static final Duration WAIT = Duration.ofSeconds(3);

    @RegisterExtension
    final NatLabExtension lab = new NatLabExtension(Topology.create()
            .publicHost("stun1")
            .publicHost("stun2")
            .site("cone", NatType.ENDPOINT_INDEPENDENT, "alice")
            .site("sym", NatType.SYMMETRIC, "carol"));

    @Test
    void endpointIndependentNatShowsEveryServerTheSamePublicAddress() {
        Probe stun1 = Probe.reflector(lab.get(), "stun1", SERVER_PORT);
        Probe stun2 = Probe.reflector(lab.get(), "stun2", SERVER_PORT);
        Probe alice = Probe.start(lab.get(), "alice", CLIENT_PORT);

        InetSocketAddress seenByOne = alice.mappingSeenBy(server("stun1"), WAIT);
        InetSocketAddress seenByTwo = alice.mappingSeenBy(server("stun2"), WAIT);

        assertThat(seenByOne.getAddress()).isEqualTo(lab.get().wanAddress("cone"))
                .isNotEqualTo(lab.get().address("alice"));
        assertThat(seenByTwo).isEqualTo(seenByOne);
        assertThat(stun1.awaitReceived("mapping", WAIT)).isEqualTo(seenByOne);
        assertThat(stun2.awaitReceived("mapping", WAIT)).isEqualTo(seenByTwo);
    }

    @Test
    void symmetricNatShowsEachServerADifferentPublicPort() {
        Probe.reflector(lab.get(), "stun1", SERVER_PORT);
        Probe.reflector(lab.get(), "stun2", SERVER_PORT);
        Probe carol = Probe.start(lab.get(), "carol", CLIENT_PORT);

        InetSocketAddress seenByOne = carol.mappingSeenBy(server("stun1"), WAIT);
        InetSocketAddress seenByTwo = carol.mappingSeenBy(server("stun2"), WAIT);

        assertThat(seenByOne.getAddress()).isEqualTo(lab.get().wanAddress("sym"));
        assertThat(seenByTwo.getAddress()).isEqualTo(lab.get().wanAddress("sym"));
        assertThat(seenByTwo.getPort()).isNotEqualTo(seenByOne.getPort());
    }

    @Test
    void unsolicitedInboundIsDroppedWhileRepliesPass() {
        Probe stun1 = Probe.reflector(lab.get(), "stun1", SERVER_PORT);
        Probe stranger = Probe.start(lab.get(), "stun2", SERVER_PORT);
        Probe alice = Probe.start(lab.get(), "alice", CLIENT_PORT);
        InetSocketAddress mapping = alice.mappingSeenBy(server("stun1"), WAIT);

        stranger.send(mapping, "unsolicited", 5, 10_000);
        stranger.awaitSent("unsolicited", WAIT);
        stun1.send(mapping, "from-contacted-server");

        assertThat(alice.awaitReceived("from-contacted-server", WAIT)).isEqualTo(server("stun1"));
        assertThat(alice.receives("unsolicited", Duration.ofMillis(500))).isFalse();
    }

    @Test
    void routingStraightToAPrivateAddressIsDropped() {
        String strangerNamespace = lab.get().namespace("stun2");
        Shell.run("ip", "-n", strangerNamespace, "route", "add", "10.99.0.0/16",
                "via", lab.get().wanAddress("cone").getHostAddress());
        Probe stranger = Probe.start(lab.get(), "stun2", SERVER_PORT);
        Probe alice = Probe.start(lab.get(), "alice", CLIENT_PORT);

        stranger.send(new InetSocketAddress(lab.get().address("alice"), CLIENT_PORT), "direct", 5, 10_000);
        stranger.awaitSent("direct", WAIT);

        assertThat(alice.receives("direct", Duration.ofMillis(500))).isFalse();
    }

    private InetSocketAddress server(String host) {
        return new InetSocketAddress(lab.get().address(host), SERVER_PORT);
    }
}
