package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RttEstimatorTests {

    private static final long MS = 1_000_000L;

    @Test
    void followsRfc6298Formulas() {
        RttEstimator rtt = new RttEstimator(333 * MS, 25 * MS, 0);
        // Before a sample: SRTT = initial, RTTVAR = initial / 2.
        assertThat(rtt.smoothed()).isEqualTo(333 * MS);
        assertThat(rtt.rto()).isEqualTo(333 * MS + 4 * 166_500_000L);

        // (2.2) first measurement R: SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4*RTTVAR).
        rtt.onSample(100 * MS, 0);
        assertThat(rtt.smoothed()).isEqualTo(100 * MS);
        assertThat(rtt.variance()).isEqualTo(50 * MS);
        assertThat(rtt.rto()).isEqualTo(300 * MS);

        // (2.3) RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'| = 37.5 + 25; SRTT = 7/8 SRTT + 1/8 R' = 87.5 + 25.
        rtt.onSample(200 * MS, 0);
        assertThat(rtt.variance()).isEqualTo(62_500_000L);
        assertThat(rtt.smoothed()).isEqualTo(112_500_000L);
        assertThat(rtt.rto()).isEqualTo(362_500_000L);
        assertThat(rtt.pto()).isEqualTo(387_500_000L);
        assertThat(rtt.min()).isEqualTo(100 * MS);
    }

    @Test
    void granularityBoundsTheVarianceTerm() {
        RttEstimator rtt = new RttEstimator(333 * MS, 0, 0);
        for (int i = 0; i < 50; i++) {
            rtt.onSample(MS / 10, 0);
        }
        assertThat(rtt.rto()).isEqualTo(MS / 10 + RttEstimator.GRANULARITY_NANOS);
    }

    @Test
    void subtractsPeerAckDelayOnlyAboveMinRttAndCapsIt() {
        RttEstimator rtt = new RttEstimator(333 * MS, 10 * MS, 0);
        rtt.onSample(40 * MS, 30 * MS); // first sample ignores ack delay
        assertThat(rtt.smoothed()).isEqualTo(40 * MS);
        rtt.onSample(60 * MS, 30 * MS); // delay capped at max_ack_delay = 10 ms -> adjusted 50
        assertThat(rtt.smoothed()).isEqualTo((7 * 40 * MS + 50 * MS) / 8);
        RttEstimator other = new RttEstimator(333 * MS, 10 * MS, 0);
        other.onSample(40 * MS, 0);
        other.onSample(45 * MS, 10 * MS); // 45 < min 40 + 10: not adjusted
        assertThat(other.smoothed()).isEqualTo((7 * 40 * MS + 45 * MS) / 8);
    }

    @Test
    void minimumProbeTimeoutApplies() {
        RttEstimator rtt = new RttEstimator(333 * MS, 0, 200 * MS);
        rtt.onSample(MS, 0);
        assertThat(rtt.pto()).isEqualTo(200 * MS);
    }

    @Test
    void retransmittedDataGivesUnambiguousSamples() {
        // Karn: the first packet is lost and its data is retransmitted in a new packet. Because packet numbers are
        // never reused, no sample can be measured from the original transmission (which would read ~1 s here).
        Simulator sim = new Simulator(2);
        sim.linkBoth(l -> l.delayNanos = 20 * MS);
        sim.aToB.dropFilter = n -> n == 0;
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        sim.connect(TransportConfig.defaults(), ra, rb);
        Recorder.writePattern(sim.a.openStream(1), 1000);
        sim.runUntil(() -> rb.finishes == 1, 10_000 * MS, 10_000);
        sim.runUntil(() -> sim.a.stats().liveStreams() == 0, 10_000 * MS, 10_000);

        ConnectionStats stats = sim.a.stats();
        assertThat(stats.retransmittedPackets()).isEqualTo(1);
        assertThat(stats.minRttNanos()).isEqualTo(40 * MS);
        assertThat(stats.smoothedRttNanos()).isBetween(40 * MS, 41 * MS);
    }
}
