package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A packet after which its sender must wait for an ACK asks for one at once (a PING), and its probe timeout leaves out
 * the peer's max_ack_delay: the tail of a long flight, the packet that fills the congestion window, a credit update;
 * short flights ask for nothing. On the simulated network, with a max_ack_delay (25 ms) far longer than the path's
 * round trip (2 ms), so that waiting for it or not shows.
 */
class ImmediateAckTests {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final TransportConfig CONFIG = TransportConfig.builder()
            .maxAckDelay(Duration.ofMillis(25)).pathMtuDiscovery(false).build();
    /** A window that the transfers here never fill, so only flights' ends ask. */
    private static final TransportConfig WIDE_OPEN = TransportConfig.builder()
            .maxAckDelay(Duration.ofMillis(25)).pathMtuDiscovery(false).initialWindowPackets(1000).build();

    private final Simulator sim = new Simulator(7);
    private final Recorder ra = new Recorder();
    private final Recorder rb = new Recorder();
    private final List<Simulator.Sent> fromA = new ArrayList<>();
    private final List<Simulator.Sent> fromB = new ArrayList<>();

    ImmediateAckTests() {
        sim.linkBoth(l -> l.delayNanos = MS);
        sim.observers.add(p -> (p.fromA() ? fromA : fromB).add(p));
    }

    @Test
    void theLastPacketOfALongTransferAsksForAnImmediateAckAndNoOtherDoes() {
        sim.connect(WIDE_OPEN, ra, rb);
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
    void aCreditUpdateAsksForAnImmediateAck() {
        sim.connect(CONFIG, ra, rb); // 1 MiB of stream credit at first
        Stream s = sim.a.openStream(80);
        Recorder.writePattern(s, 4L << 20);
        sim.runUntil(() -> rb.finishes == 1, 10 * SECOND, 100_000);

        // B's credit updates, its only ack-eliciting packets here: A may be waiting for them.
        assertThat(fromB).filteredOn(p -> carries(p, Frame.MaxStreamData.class)).hasSizeGreaterThan(3)
                .allMatch(p -> carries(p, Frame.Ping.class));
    }

    @Test
    void thePacketThatFillsTheCongestionWindowAsksForAnImmediateAck() {
        sim.connect(CONFIG, ra, rb); // the initial window: 10 packets of 1,200 bytes
        Stream s = sim.a.openStream(80);
        Recorder.writePattern(s, 100_000);
        sim.runUntil(() -> rb.finishes == 1, 10 * SECOND, 100_000);

        List<Simulator.Sent> firstFlight = fromA.stream().filter(p -> carries(p, Frame.StreamData.class))
                .limit(10).toList();
        assertThat(firstFlight).allMatch(p -> p.timeNanos() == firstFlight.get(0).timeNanos(), "sent at once");
        assertThat(firstFlight.subList(0, 9)).noneMatch(p -> carries(p, Frame.Ping.class));
        assertThat(carries(firstFlight.get(9), Frame.Ping.class)).as("the tenth fills the window").isTrue();
        assertThat(firstFlight).as("all full, the one with the PING too")
                .allMatch(p -> p.payload().length == TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD);
    }

    @Test
    void aWindowLimitedTransferStillHasMostPacketsAcknowledgedInPairs() {
        sim.linkBoth(l -> {
            l.delayNanos = 5 * MS;
            l.bandwidth = 20_000_000;
            l.maxQueueNanos = 20 * MS;
        });
        sim.connect(CONFIG, ra, rb);
        Stream s = sim.a.openStream(80);
        Recorder.writePattern(s, 4L << 20);
        sim.runUntil(() -> rb.finishes == 1, 60 * SECOND, 1_000_000);

        // Every second packet is acknowledged anyway; the window-filling packets that ask add some (measured 9 %).
        // Asking with every packet would make this about 1.
        assertThat((double) fromB.size() / fromA.size()).isLessThan(0.6);
        assertThat(fromA).filteredOn(p -> carries(p, Frame.Ping.class)).hasSizeGreaterThan(10);
    }

    @Test
    void aKeepalivePingIsAcknowledgedAtOnce() {
        sim.connect(TransportConfig.builder().maxAckDelay(Duration.ofMillis(25)).pathMtuDiscovery(false)
                .keepaliveInterval(Duration.ofMillis(100)).build(), CONFIG, ra, rb);
        sendShortRequests(6); // past the peer's first four packets, which it acknowledges at once anyway
        int before = fromA.size();
        sim.runFor(500 * MS);
        List<Simulator.Sent> pings = fromA.subList(before, fromA.size()).stream()
                .filter(p -> carries(p, Frame.Ping.class)).toList();
        assertThat(pings).isNotEmpty();
        for (Simulator.Sent ping : pings) {
            assertThat(fromB).as("B's ACK when the keepalive arrives, not 25 ms later")
                    .anyMatch(p -> p.timeNanos() == ping.timeNanos() + MS && carries(p, Frame.Ack.class));
        }
    }

    @Test
    void aShortRequestAsksForNoImmediateAck() {
        sim.connect(CONFIG, ra, rb);
        sendShortRequests(8);
        sim.runUntil(() -> sim.a.stats().liveStreams() == 0, 10 * SECOND, 100_000);
        assertThat(fromA).filteredOn(p -> carries(p, Frame.StreamData.class)).hasSize(8)
                .noneMatch(p -> carries(p, Frame.Ping.class));
    }

    @Test
    void aLostShortRequestIsProbedOnlyAfterThePeersAckDelay() {
        sim.connect(CONFIG, ra, rb);
        sendShortRequests(6);
        Stream s = sim.a.openStream(80);
        Predicate<Simulator.Sent> request = p -> frames(p).stream()
                .anyMatch(f -> f instanceof Frame.StreamData d && d.streamId() == s.id());
        boolean[] dropNext = {false};
        sim.observers.add(p -> dropNext[0] = p.fromA() && request.test(p) && fromA.stream().filter(request).count() == 1);
        sim.aToB.dropFilter = n -> dropNext[0];
        Recorder.writePattern(s, 100);
        sim.runUntil(() -> rb.finishes == 7, 10 * SECOND, 100_000);

        List<Simulator.Sent> sent = fromA.stream().filter(request).toList();
        assertThat(sent).hasSizeGreaterThanOrEqualTo(2);
        assertThat(carries(sent.get(0), Frame.Ping.class)).as("a one-packet request asks for nothing").isFalse();
        // The peer may hold its ACK of such a packet for its max_ack_delay, so the probe waits for that too.
        assertThat(sent.get(1).timeNanos() - sent.get(0).timeNanos()).isGreaterThanOrEqualTo(25 * MS);
    }

    @Test
    void aLostTailIsProbedWithoutWaitingForThePeersAckDelay() {
        sim.connect(WIDE_OPEN, ra, rb);
        Stream warmUp = sim.a.openStream(80);
        Recorder.writePattern(warmUp, 1_000);
        sim.runUntil(() -> rb.finishes == 1, 10 * SECOND, 100_000);

        // Drops the first packet that carries the transfer's last byte (its FIN): the flight's tail.
        Stream s = sim.a.openStream(80);
        Predicate<Simulator.Sent> tails = p -> frames(p).stream()
                .anyMatch(f -> f instanceof Frame.StreamData d && d.fin() && d.streamId() == s.id());
        boolean[] dropNext = {false};
        sim.observers.add(p -> dropNext[0] = p.fromA() && tails.test(p) && fromA.stream().filter(tails).count() == 1);
        sim.aToB.dropFilter = n -> dropNext[0];
        Recorder.writePattern(s, 100_000);
        sim.runUntil(() -> rb.finishes == 2, 10 * SECOND, 100_000);

        assertThat(sim.aToB.dropped).isEqualTo(1);
        Simulator.Sent tail = fromA.stream().filter(tails).findFirst().orElseThrow();
        assertThat(carries(tail, Frame.Ping.class)).isTrue();
        Simulator.Sent probe = fromA.stream().filter(tails).skip(1).findFirst().orElseThrow(); // the tail again
        assertThat(carries(probe, Frame.Ping.class)).as("the probe asks for an immediate ACK too").isTrue();
        long waited = probe.timeNanos() - tail.timeNanos();
        // srtt (2 ms) + max(1 ms, 4 rttvar), not + 25 ms of the peer's max_ack_delay.
        assertThat(waited).isGreaterThanOrEqualTo(3 * MS).isLessThan(25 * MS);
        assertThat(rb.received.get(s.id())).isEqualTo(100_000L);
    }

    /** Sends {@code count} 100-byte requests from A, one after the other, each once B has it whole. */
    private void sendShortRequests(int count) {
        for (int i = 0; i < count; i++) {
            Recorder.writePattern(sim.a.openStream(80), 100);
            int finished = rb.finishes + 1;
            sim.runUntil(() -> rb.finishes == finished, 10 * SECOND, 100_000);
        }
    }

    private static boolean carries(Simulator.Sent packet, Class<? extends Frame> type) {
        return frames(packet).stream().anyMatch(type::isInstance);
    }

    private static List<Frame> frames(Simulator.Sent packet) {
        List<Frame> frames = new ArrayList<>();
        ByteBuffer payload = ByteBuffer.wrap(packet.payload());
        payload.getLong();
        try {
            FrameCodec.decode(payload, frames);
        } catch (FrameCodec.MalformedException e) {
            throw new AssertionError(e);
        }
        return frames;
    }
}
