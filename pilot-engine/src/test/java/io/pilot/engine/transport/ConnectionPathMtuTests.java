package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Path MTU discovery through a pair of connections on the simulated network: probes are padded PINGs that ride
 * outside the window, a path's limit bounds the size found, and whatever the size the transfer is exact.
 */
class ConnectionPathMtuTests {

    private static final long SECOND = 1_000_000_000L;
    private static final int OVERHEAD = 32;
    private static final int LARGEST = 16_336;
    private static final int BASE = TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD;

    private final Simulator sim = new Simulator(5);
    private final Recorder ra = new Recorder();
    private final Recorder rb = new Recorder();
    private final List<Integer> sizesSent = new ArrayList<>();

    private void transfer(long bytes) {
        sim.observers.add(sent -> {
            if (sent.fromA()) {
                sizesSent.add(sent.payload().length);
            }
        });
        Recorder.writePattern(sim.a.openStream(7), bytes);
        sim.runUntil(() -> rb.finishes == 1, 60 * SECOND, 2_000_000);
        assertThat(rb.errors).isEmpty();
        assertThat(rb.received.get(0)).isEqualTo(bytes);
    }

    @Test
    void aPathWithoutLimitGetsTheLargestSize() {
        sim.connect(TransportConfig.defaults(), ra, rb);
        sim.a.datagramPath("b", LARGEST, OVERHEAD);

        transfer(8 << 20);

        assertThat(sim.a.maxPacketPayload()).isEqualTo(LARGEST - OVERHEAD);
        assertThat(sizesSent).as("full packets of the size found").contains(LARGEST - OVERHEAD);
        assertThat(sim.a.stats().lostPackets()).isZero();
    }

    @Test
    void aPathThatDropsLargerPacketsBoundsTheSizeAndItsDroppedProbesAreNoLoss() {
        int pathLimit = 1400 - 28 - OVERHEAD; // payloads a 1400-byte IPv4 MTU carries
        sim.connect(TransportConfig.defaults(), ra, rb);
        sim.aToB.maxPayload = pathLimit;
        sim.a.datagramPath("b", LARGEST, OVERHEAD);

        transfer(8 << 20);

        assertThat(sim.a.maxPacketPayload()).isGreaterThan(BASE).isLessThanOrEqualTo(pathLimit)
                .isGreaterThan(pathLimit - PathMtuSearch.MIN_STEP);
        assertThat(sim.aToB.dropped).as("probes above the limit").isPositive();
        assertThat(sim.a.stats().lostPackets()).as("dropped probes are not lost packets").isZero();
        assertThat(sizesSent.stream().filter(size -> size > pathLimit))
                .as("above the limit only probes: PING and padding, nothing to retransmit")
                .hasSizeLessThanOrEqualTo(3 * PathMtuSearch.MAX_PROBES);
    }

    @Test
    void withoutAPathPacketsStayAtTheBaseAndTheKernelsRefusalIsHarmless() {
        sim.connect(TransportConfig.defaults(), ra, rb);
        sim.a.datagramTooBig(4_000, sim.now);

        transfer(2 << 20);

        assertThat(sim.a.maxPacketPayload()).isEqualTo(BASE);
        assertThat(sizesSent).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(BASE));
    }

    @Test
    void theKernelRefusingTheFoundSizeFallsBackToTheBase() {
        sim.connect(TransportConfig.defaults(), ra, rb);
        sim.a.datagramPath("b", LARGEST, OVERHEAD);
        transfer(4 << 20);
        assertThat(sim.a.maxPacketPayload()).isEqualTo(LARGEST - OVERHEAD);

        sim.a.datagramTooBig(LARGEST, sim.now); // the route changed: the interface now refuses that size

        assertThat(sim.a.maxPacketPayload()).isEqualTo(BASE);
    }

    @Test
    void theControllersFloorCountsDatagramsOfTheSizeFound() {
        sim.connect(TransportConfig.builder().congestionControl(CongestionControl.NEWRENO).build(), ra, rb);
        sim.a.datagramPath("b", LARGEST, OVERHEAD);
        transfer(4 << 20);
        assertThat(sim.a.maxPacketPayload()).isEqualTo(LARGEST - OVERHEAD);
        long floor = 2L * (LARGEST - OVERHEAD); // minimumWindowPackets datagrams of the size found
        long[] smallest = {Long.MAX_VALUE};
        sim.observers.add(sent -> smallest[0] = Math.min(smallest[0], sim.a.stats().congestionWindow()));
        sim.aToB.loss = 0.3; // NewReno halves on every loss episode: the window is pressed down to its floor

        Recorder.writePattern(sim.a.openStream(9), 2 << 20);
        sim.runUntil(() -> rb.finishes == 2, 600 * SECOND, 2_000_000);

        assertThat(rb.errors).isEmpty();
        assertThat(smallest[0]).as("the floor, two datagrams of the size found, not two of the base").isEqualTo(floor);
    }
}
