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
        // After a packet that asked for an immediate ACK the peer's max_ack_delay (25 ms) is not waited for.
        assertThat(rtt.pto(false)).isEqualTo(362_500_000L);
        assertThat(rtt.pto(true)).isEqualTo(rtt.pto());
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
    void firstSampleSetsMinAndSmoothedAsItIsIgnoringTheAckDelay() {
        // RFC 9002 5.2/5.3: min_rtt = smoothed_rtt = latest_rtt, rttvar = latest_rtt / 2, ack delay not used.
        RttEstimator rtt = new RttEstimator(333 * MS, 10 * MS, 0);
        assertThat(rtt.hasSample()).isFalse();
        rtt.onSample(40 * MS, 8 * MS);
        assertThat(rtt.hasSample()).isTrue();
        assertThat(rtt.min()).isEqualTo(40 * MS);
        assertThat(rtt.smoothed()).isEqualTo(40 * MS);
        assertThat(rtt.variance()).isEqualTo(20 * MS);
    }

    @Test
    void subtractsThePeersAckDelayCappedAtMaxAckDelay() {
        RttEstimator rtt = new RttEstimator(333 * MS, 10 * MS, 0);
        rtt.onSample(40 * MS, 0);
        rtt.onSample(48 * MS, 6 * MS); // adjusted 42
        assertThat(rtt.smoothed()).isEqualTo((7 * 40 * MS + 42 * MS) / 8);
        RttEstimator capped = new RttEstimator(333 * MS, 10 * MS, 0);
        capped.onSample(40 * MS, 0);
        capped.onSample(60 * MS, 30 * MS); // delay capped at max_ack_delay = 10 ms -> adjusted 50
        assertThat(capped.smoothed()).isEqualTo((7 * 40 * MS + 50 * MS) / 8);
        assertThat(capped.min()).isEqualTo(40 * MS);
    }

    @Test
    void adjustedSampleNeverGoesBelowMinRtt() {
        RttEstimator rtt = new RttEstimator(333 * MS, 10 * MS, 0);
        rtt.onSample(40 * MS, 0);
        // 45 - 10 = 35 would be faster than any sample seen: floored at min_rtt (the RFC would keep all 45).
        rtt.onSample(45 * MS, 10 * MS);
        assertThat(rtt.smoothed()).isEqualTo(40 * MS);
        assertThat(rtt.variance()).isEqualTo(3 * 20 * MS / 4);
        assertThat(rtt.min()).isEqualTo(40 * MS);
    }

    @Test
    void ackDelayLongerThanTheSampleIsIgnored() {
        RttEstimator rtt = new RttEstimator(333 * MS, 25 * MS, 0);
        rtt.onSample(10 * MS, 0);
        // The peer claims it held the ACK 20 ms, but the whole round trip took 12: the report cannot be true.
        rtt.onSample(12 * MS, 20 * MS);
        assertThat(rtt.smoothed()).isEqualTo((7 * 10 * MS + 12 * MS) / 8);
    }

    @Test
    void delayedAcksOnAFastPathLeaveTheTimerOutOfTheEstimate() {
        // A 100 us path whose ACKs (after a first immediate one) all wait for a 10 ms delayed-ACK timer that fires
        // up to 1 ms late, as a provider sees the ACKs of its replies when calls are far apart.
        long path = 100_000L;
        RttEstimator rtt = new RttEstimator(333 * MS, 10 * MS, 0);
        rtt.onSample(path, 20_000L);
        for (int i = 0; i < 50; i++) {
            long delay = 9 * MS + (i % 10) * 100_000L;
            rtt.onSample(path + delay, delay);
        }
        assertThat(rtt.min()).isEqualTo(path);
        assertThat(rtt.smoothed()).isEqualTo(path);
    }

    @Test
    void aSlowFirstSampleDoesNotLetTheAckTimerIntoTheEstimate() {
        // A first sample taken while the process warmed up (2 ms) sets min_rtt above the path's 100 us; later
        // delayed-ACK samples then fall below min_rtt + ack delay. RFC 9002 would add each 10 ms sample whole.
        RttEstimator rtt = new RttEstimator(333 * MS, 10 * MS, 0);
        rtt.onSample(2 * MS, 0);
        for (int i = 0; i < 50; i++) {
            rtt.onSample(100_000L + 9 * MS, 9 * MS);
        }
        assertThat(rtt.smoothed()).isEqualTo(2 * MS);
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

    @Test
    void delayedAcksOfRepliesDoNotInflateTheRespondersRtt() {
        // Calls far apart on a 100 us path: a opens a stream, b answers at once with its FIN, and a, with nothing
        // to send next, acknowledges that answer only when its delayed-ACK timer fires. Before the fix b's first
        // sample was such a delayed ACK, taken whole as SRTT and min_rtt (10.1 ms), and the RFC 9002 rule then kept
        // every later sample whole too, so b reported 10.1 ms for a 0.1 ms path.
        long oneWay = 50_000L;
        Simulator sim = new Simulator(3);
        sim.linkBoth(l -> l.delayNanos = oneWay);
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        TransportConfig config = TransportConfig.defaults();
        sim.connect(config, ra, rb);
        for (int call = 1; call <= 3 * AckTracker.IMMEDIATE_ACKS; call++) {
            Recorder.writePattern(sim.a.openStream(1), 64);
            int answered = call;
            sim.runUntil(() -> rb.finishes == answered && sim.a.stats().liveStreams() == 0, 100 * MS, 10_000);
            sim.runFor(5 * config.maxAckDelayNanos());
        }
        assertThat(sim.a.stats().smoothedRttNanos()).isEqualTo(2 * oneWay);
        assertThat(sim.b.stats().minRttNanos()).isEqualTo(2 * oneWay);
        assertThat(sim.b.stats().smoothedRttNanos()).isEqualTo(2 * oneWay);
    }

    @Test
    void aReliableBearerFloorsTheProbeTimeoutAtTcpsMinimumRetransmissionTimeoutUntilLifted() {
        RttEstimator rtt = new RttEstimator(333 * MS, 0, MS);
        for (int i = 0; i < 20; i++) {
            rtt.onSample(MS, 0); // a 1 ms loopback path: the probe timeout falls to a few ms
        }
        long overUdp = rtt.pto();

        rtt.bearerFloor(Connection.RELIABLE_BEARER_PTO_FLOOR_NANOS);
        long overTcp = rtt.pto();
        rtt.bearerFloor(0);

        assertThat(overUdp).isLessThan(10 * MS);
        assertThat(overTcp).isEqualTo(Connection.RELIABLE_BEARER_PTO_FLOOR_NANOS);
        assertThat(rtt.pto()).isEqualTo(overUdp);
    }
}
