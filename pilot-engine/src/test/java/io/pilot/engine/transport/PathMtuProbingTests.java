package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A connection's side of DPLPMTUD alone ({@link PathMtuProbing}): when it probes, what counts as a probe's
 * acknowledgement or loss, and what the connection may send meanwhile. Sizes: a base payload of 1200 and an
 * overhead of 32, so a base datagram of 1232.
 */
class PathMtuProbingTests {

    private static final int BASE = 1200;
    private static final int OVERHEAD = 32;
    private static final long PTO = 1_000_000;

    private final PathMtuProbing probing = new PathMtuProbing(BASE, true);
    private long now = 1_000;
    private long packetNumber;

    private void sendFullPackets(int count) {
        for (int i = 0; i < count; i++) {
            probing.onPacketSent(probing.maxPayload());
        }
    }

    /** Sends the due probe and returns its payload size (0 if none was due). */
    private int sendProbe() {
        int size = probing.probeDue(now, 65_536);
        if (size > 0) {
            probing.probeSent(packetNumber++, size, now, PTO);
        }
        return size;
    }

    private void acknowledge(long largest, long smallest) {
        probing.onAck(new long[] {largest, smallest}, now);
    }

    @Test
    void withoutAPathAllowingMoreThanTheBaseNothingIsProbed() {
        sendFullPackets(100);
        assertThat(sendProbe()).isZero();
        probing.path("direct", BASE + OVERHEAD, OVERHEAD);
        assertThat(sendProbe()).isZero();
        assertThat(probing.maxPayload()).isEqualTo(BASE);
        assertThat(probing.deadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void noProbeUntilTheConnectionHasFilledPacketsThenTheBaseAndTheLadder() {
        probing.path("direct", 16_336, OVERHEAD);
        sendFullPackets(PathMtuProbing.FULL_PACKETS_BEFORE_SEARCH - 1);
        probing.onPacketSent(BASE - 1); // not full: does not count
        assertThat(sendProbe()).as("too few full packets").isZero();

        sendFullPackets(1);
        assertThat(sendProbe()).as("the base, confirmed first").isEqualTo(BASE);
        assertThat(sendProbe()).as("one probe at a time").isZero();
        acknowledge(0, 0);
        assertThat(sendProbe()).isEqualTo(1452 - OVERHEAD);
        acknowledge(5, 1); // covers packet 1, the probe
        assertThat(probing.maxPayload()).isEqualTo(1452 - OVERHEAD);
        assertThat(probing.search().plpmtu()).isEqualTo(1452);
    }

    @Test
    void anUnacknowledgedProbeIsLostAfterItsTimeoutAndThreeLossesMakeACeiling() {
        probing.path("direct", 16_336, OVERHEAD);
        sendFullPackets(PathMtuProbing.FULL_PACKETS_BEFORE_SEARCH);
        sendProbe();
        acknowledge(0, 0); // the base passes
        int first = 0;
        for (int attempt = 0; attempt < PathMtuSearch.MAX_PROBES; attempt++) {
            first = sendProbe();
            assertThat(first).isEqualTo(1452 - OVERHEAD);
            acknowledge(packetNumber + 5, packetNumber); // acknowledges later packets, not the probe
            assertThat(probing.deadline()).isEqualTo(now + PathMtuProbing.PROBE_LOSS_PTOS * PTO);
            now = probing.deadline() - 1;
            probing.onTimeout(now);
            assertThat(sendProbe()).as("still in flight").isZero();
            now++;
            probing.onTimeout(now);
        }
        int next = sendProbe();
        assertThat(next).as("between the base and the size that failed").isBetween(BASE + 1, first - 1);
        assertThat(probing.maxPayload()).isEqualTo(BASE);
    }

    @Test
    void theKernelRefusingAProbeEndsItAtOnceAndTheSearchGoesBelow() {
        probing.path("direct", 16_336, OVERHEAD);
        sendFullPackets(PathMtuProbing.FULL_PACKETS_BEFORE_SEARCH);
        sendProbe();
        acknowledge(0, 0);
        int probe = sendProbe();

        probing.tooBig(probe + OVERHEAD, now);

        assertThat(probing.deadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(sendProbe()).isBetween(BASE + 1, probe - 1);
    }

    @Test
    void aProbeThatDoesNotFitTheRoomWaits() {
        probing.path("direct", 16_336, OVERHEAD);
        sendFullPackets(PathMtuProbing.FULL_PACKETS_BEFORE_SEARCH);
        assertThat(probing.probeDue(now, BASE - 1)).isZero();
        assertThat(probing.probeDue(now, BASE)).isEqualTo(BASE);
    }

    @Test
    void anotherPathStartsOverAtTheBase() {
        probing.path("direct", 16_336, OVERHEAD);
        sendFullPackets(PathMtuProbing.FULL_PACKETS_BEFORE_SEARCH);
        sendProbe();
        acknowledge(0, 0);
        sendProbe();
        acknowledge(1, 1);
        assertThat(probing.maxPayload()).isGreaterThan(BASE);

        probing.path("direct", 16_336, OVERHEAD);
        assertThat(probing.maxPayload()).as("the same path: nothing changes").isGreaterThan(BASE);
        probing.path("elsewhere", 16_336, OVERHEAD);
        assertThat(probing.maxPayload()).isEqualTo(BASE);
        assertThat(sendProbe()).as("full packets counted again").isZero();
    }

    @Test
    void disabledItNeverSearches() {
        PathMtuProbing off = new PathMtuProbing(BASE, false);
        off.path("direct", 16_336, OVERHEAD);
        for (int i = 0; i < 100; i++) {
            off.onPacketSent(BASE);
        }
        assertThat(off.probeDue(now, 65_536)).isZero();
        assertThat(off.maxPayload()).isEqualTo(BASE);
    }
}
