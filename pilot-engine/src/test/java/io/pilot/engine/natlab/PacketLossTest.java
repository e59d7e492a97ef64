package io.pilot.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/** A router's loss rule drops about the share of packets asked for, and removing it stops the loss. */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(NatLab.LOCK)
class PacketLossTest {

    private static final int SINK_PORT = 9000;
    private static final int DATAGRAMS = 1000;
    private static final long GAP_MICROS = 100;
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    final NatLabExtension lab = new NatLabExtension(Topology.create()
            .publicHost("sink")
            .site("lossy", NatType.ENDPOINT_INDEPENDENT, "alice"));

    @Test
    void dropsRoughlyTheConfiguredShare() throws InterruptedException {
        Probe sink = Probe.start(lab.get(), "sink", SINK_PORT);
        Probe alice = Probe.start(lab.get(), "alice", 0);
        InetSocketAddress to = new InetSocketAddress(lab.get().address("sink"), SINK_PORT);

        lab.get().setLoss("lossy", 30);
        alice.send(to, "lossy", DATAGRAMS, GAP_MICROS);
        alice.awaitSent("lossy", WAIT);
        lab.get().setLoss("lossy", 0);
        alice.send(to, "clean", DATAGRAMS, GAP_MICROS);
        alice.awaitSent("clean", WAIT);

        assertThat(sink.receivedCount("lossy")).as("delivered of %d at 30%% loss", DATAGRAMS).isBetween(600L, 800L);
        assertThat(sink.receivedCount("clean")).as("delivered of %d without loss", DATAGRAMS).isGreaterThan(990L);
    }
}
