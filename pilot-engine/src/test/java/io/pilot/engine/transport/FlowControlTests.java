package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sender never exceeds credit granted by the receiver, as seen on the wire. */
class FlowControlTests {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void senderStaysWithinStreamAndConnectionCredit() {
        Simulator sim = new Simulator(5);
        sim.linkBoth(l -> {
            l.delayNanos = 15_000_000;
            l.loss = 0.02;
            l.reorderJitterNanos = 3_000_000;
        });
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        TransportConfig receiverConfig = TransportConfig.builder()
                .streamReceiveWindow(3L << 20)
                .connectionReceiveWindow(20L << 20)
                .build();
        sim.connect(TransportConfig.defaults(), receiverConfig, ra, rb);

        // Credit as known by A: updated only when B's MAX frames actually arrive at A.
        Map<Integer, Long> streamCredit = new HashMap<>();
        long[] connectionCredit = {TransportConfig.INITIAL_MAX_DATA};
        Map<Integer, Long> highest = new HashMap<>();
        long[] violations = {0};
        long[] maxStreamDataSeen = {0};
        sim.arrivals.add(p -> {
            if (p.fromA()) {
                return;
            }
            for (Frame f : Frames.parse(p.payload())) {
                if (f instanceof Frame.MaxStreamData m) {
                    streamCredit.merge(m.streamId(), m.maximum(), Math::max);
                    maxStreamDataSeen[0]++;
                } else if (f instanceof Frame.MaxData m) {
                    connectionCredit[0] = Math.max(connectionCredit[0], m.maximum());
                }
            }
        });
        sim.observers.add(p -> {
            if (!p.fromA()) {
                return;
            }
            for (Frame f : Frames.parse(p.payload())) {
                if (f instanceof Frame.StreamData d) {
                    long end = d.offset() + d.data().remaining();
                    long credit = streamCredit.getOrDefault(d.streamId(), TransportConfig.INITIAL_MAX_STREAM_DATA);
                    if (end > credit) {
                        violations[0]++;
                    }
                    highest.merge(d.streamId(), end, Math::max);
                }
            }
            long sum = highest.values().stream().mapToLong(Long::longValue).sum();
            if (sum > connectionCredit[0]) {
                violations[0]++;
            }
        });

        for (int i = 0; i < 4; i++) {
            Recorder.writePattern(sim.a.openStream(i), 8L << 20);
        }
        sim.runUntil(() -> rb.finishes == 4, 600 * SECOND, 5_000_000);

        assertThat(rb.errors).isEmpty();
        assertThat(violations[0]).isZero();
        assertThat(maxStreamDataSeen[0]).isPositive();
        assertThat(connectionCredit[0]).isGreaterThan(TransportConfig.INITIAL_MAX_DATA);
        assertThat(sim.b.isClosed()).isFalse();
    }
}
