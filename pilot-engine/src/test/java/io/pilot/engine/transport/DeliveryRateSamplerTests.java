package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryRateSamplerTests {

    private static final int SIZE = 1000;
    private static final long US = 1_000L;

    private final DeliveryRateSampler sampler = new DeliveryRateSampler();
    private final List<SentPacket> inFlight = new ArrayList<>();
    private long bytesInFlight;

    private SentPacket send(long nowNanos) {
        SentPacket p = Packets.sent(nowNanos, SIZE);
        bytesInFlight += SIZE;
        sampler.onPacketSent(p, bytesInFlight);
        inFlight.add(p);
        return p;
    }

    private boolean ack(long nowNanos, SentPacket... packets) {
        for (SentPacket p : packets) {
            sampler.onPacketAcked(p, nowNanos);
            bytesInFlight -= SIZE;
        }
        return sampler.onAckProcessed(0);
    }

    /**
     * Ack-clocked flow: one packet per microsecond (1 byte/ns), each acknowledged 100 us after it left, except that
     * from {@code holdFrom} on ACKs are held back and delivered together at {@code releaseAt}.
     */
    private void steadyFlow(long untilMicros, long holdFrom, long releaseAt) {
        List<SentPacket> held = new ArrayList<>();
        int next = 0;
        for (long t = 0; t <= untilMicros; t++) {
            if (t >= 100) {
                SentPacket due = inFlight.get(next++);
                if (t >= holdFrom && t < releaseAt) {
                    held.add(due);
                } else {
                    ack(t * US, due);
                }
            }
            if (t == releaseAt) {
                ack(t * US + 1, held.toArray(new SentPacket[0]));
            }
            send(t * US);
        }
    }

    @Test
    void aSteadyFlowSamplesItsRate() {
        steadyFlow(400, Long.MAX_VALUE, Long.MAX_VALUE);
        assertThat(sampler.rate()).isCloseTo(1.0, within(0.02));
        assertThat(sampler.appLimited()).isFalse();
        assertThat(sampler.delivered()).isEqualTo(301L * SIZE); // packets 0..300 acknowledged at 100..400 us
    }

    @Test
    void ackCompressionDoesNotInflateTheSample() {
        // Fifty ACKs held back and then delivered in the same nanosecond: counted over the ACKs' arrival alone that
        // would be 50 kB in a nanosecond; the send interval keeps the sample at the rate the path delivered.
        steadyFlow(350, 300, 349);
        assertThat(sampler.rate()).isLessThanOrEqualTo(1.0).isGreaterThan(0.5);
    }

    @Test
    void samplesWhileTheApplicationLimitsAreFlaggedUntilItsDataIsDelivered() {
        send(0);
        sampler.onApplicationLimited(bytesInFlight);
        assertThat(sampler.isAppLimited()).isTrue();
        SentPacket second = send(50 * US);
        assertThat(second.appLimited).isTrue();
        ack(100 * US, inFlight.get(0));
        assertThat(ack(150 * US, second)).isTrue();
        assertThat(sampler.appLimited()).isTrue();
        // Both flagged bytes are delivered: what leaves next measures the path again.
        assertThat(sampler.isAppLimited()).isFalse();
        assertThat(send(160 * US).appLimited).isFalse();
    }

    @Test
    void anIntervalShorterThanTheMinimumRttIsNoSample() {
        send(0);
        SentPacket p = send(1);
        sampler.onPacketAcked(inFlight.get(0), 10 * US);
        sampler.onAckProcessed(0);
        sampler.onPacketAcked(p, 10 * US + 5);
        assertThat(sampler.onAckProcessed(100 * US)).isFalse();
        assertThat(sampler.onAckProcessed(0)).isFalse(); // nothing acknowledged since
    }
}
