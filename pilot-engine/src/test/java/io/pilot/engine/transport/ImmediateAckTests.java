package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tail of a long flight asks for an immediate ACK (a PING), and its probe timeout leaves out the peer's
 * max_ack_delay; short flights ask for nothing. On the simulated network, with a max_ack_delay (25 ms) far longer
 * than the path's round trip (2 ms), so that waiting for it or not shows.
 */
class ImmediateAckTests {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final TransportConfig CONFIG = TransportConfig.builder()
            .maxAckDelay(Duration.ofMillis(25)).pathMtuDiscovery(false).build();

    private final Simulator sim = new Simulator(7);
    private final Recorder ra = new Recorder();
    private final Recorder rb = new Recorder();
    private final List<Simulator.Sent> fromA = new ArrayList<>();
    private final List<Simulator.Sent> fromB = new ArrayList<>();

    ImmediateAckTests() {
        sim.linkBoth(l -> l.delayNanos = MS);
        sim.connect(CONFIG, ra, rb);
        sim.observers.add(p -> (p.fromA() ? fromA : fromB).add(p));
    }

    @Test
    void theLastPacketOfALongTransferAsksForAnImmediateAckAndNoOtherDoes() {
        Stream s = sim.a.openStream(80);
        Recorder.writePattern(s, 100_000); // 86 packets of 1,174 bytes of data
        sim.runUntil(() -> rb.finishes == 1 && sim.a.stats().liveStreams() == 0, 10 * SECOND, 100_000);

        List<Simulator.Sent> data = fromA.stream().filter(p -> carries(p, Frame.StreamData.class)).toList();
        assertThat(data).hasSizeGreaterThan(Connection.LONG_FLIGHT_PACKETS);
        Simulator.Sent last = data.get(data.size() - 1);
        assertThat(carries(last, Frame.Ping.class)).as("the tail asks for an immediate ACK").isTrue();
        assertThat(data.subList(0, data.size() - 1)).as("no packet before it does")
                .noneMatch(p -> carries(p, Frame.Ping.class));
        assertThat(data.subList(0, data.size() - 1)).as("every other data packet is full, padded where short by one")
                .allMatch(p -> p.payload().length == TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD);
        // B acknowledges the tail when it arrives (one link delay after it left), not 25 ms later.
        assertThat(fromB).anyMatch(p -> p.timeNanos() == last.timeNanos() + MS && carries(p, Frame.Ack.class));
    }

    @Test
    void aShortRequestAsksForNoImmediateAck() {
        for (int i = 0; i < 8; i++) {
            Stream s = sim.a.openStream(80);
            Recorder.writePattern(s, 100);
            int finished = i + 1;
            sim.runUntil(() -> rb.finishes == finished, 10 * SECOND, 100_000);
        }
        sim.runUntil(() -> sim.a.stats().liveStreams() == 0, 10 * SECOND, 100_000);
        assertThat(fromA).filteredOn(p -> carries(p, Frame.StreamData.class)).hasSize(8)
                .noneMatch(p -> carries(p, Frame.Ping.class));
    }

    @Test
    void aLostTailIsProbedWithoutWaitingForThePeersAckDelay() {
        boolean[] dropped = {false};
        boolean[] dropNext = {false};
        sim.observers.add(p -> dropNext[0] = !dropped[0] && p.fromA() && carries(p, Frame.StreamData.class)
                && carries(p, Frame.Ping.class));
        sim.aToB.dropFilter = n -> {
            if (dropNext[0]) {
                dropped[0] = true;
                dropNext[0] = false;
                return true;
            }
            return false;
        };
        Stream warmUp = sim.a.openStream(80);
        Recorder.writePattern(warmUp, 1_000);
        sim.runUntil(() -> rb.finishes == 1, 10 * SECOND, 100_000);

        Stream s = sim.a.openStream(80);
        Recorder.writePattern(s, 100_000);
        sim.runUntil(() -> rb.finishes == 2, 10 * SECOND, 100_000);

        assertThat(dropped[0]).isTrue();
        Simulator.Sent tail = fromA.stream().filter(p -> carries(p, Frame.Ping.class)).findFirst().orElseThrow();
        Simulator.Sent probe = fromA.get(fromA.indexOf(tail) + 1);
        assertThat(carries(probe, Frame.Ping.class)).as("the probe asks for an immediate ACK too").isTrue();
        long waited = probe.timeNanos() - tail.timeNanos();
        // srtt (2 ms) + max(1 ms, 4 rttvar), not + 25 ms of the peer's max_ack_delay.
        assertThat(waited).isGreaterThanOrEqualTo(3 * MS).isLessThan(25 * MS);
        assertThat(rb.received.get(s.id())).isEqualTo(100_000L);
    }

    private static boolean carries(Simulator.Sent packet, Class<? extends Frame> type) {
        List<Frame> frames = new ArrayList<>();
        ByteBuffer payload = ByteBuffer.wrap(packet.payload());
        payload.getLong();
        try {
            FrameCodec.decode(payload, frames);
        } catch (FrameCodec.MalformedException e) {
            throw new AssertionError(e);
        }
        return frames.stream().anyMatch(type::isInstance);
    }
}
