package io.pilot.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Timers, close, reset, refusal and datagrams. */
class LifecycleTests {

    private static final long SECOND = 1_000_000_000L;

    private final Simulator sim = new Simulator(17);
    private final Recorder ra = new Recorder();
    private final Recorder rb = new Recorder();

    @Test
    void idleConnectionTimesOutWithoutKeepalive() {
        sim.connect(TransportConfig.builder().keepaliveInterval(Duration.ZERO).build(), ra, rb);
        long start = sim.now;
        sim.runUntil(() -> sim.a.isClosed() && sim.b.isClosed(), 120 * SECOND, 1000);
        assertThat(sim.now - start).isEqualTo(60 * SECOND);
        assertThat(ra.closed).isEqualTo(new CloseReason(TransportError.IDLE_TIMEOUT, "idle timeout", false));
        assertThat(rb.closed.code()).isEqualTo(TransportError.IDLE_TIMEOUT);
    }

    @Test
    void keepaliveOnOneSideKeepsBothAlive() {
        TransportConfig withKeepalive = TransportConfig.defaults();
        TransportConfig without = TransportConfig.builder().keepaliveInterval(Duration.ZERO).build();
        sim.connect(withKeepalive, without, ra, rb);
        int[] pings = {0};
        sim.observers.add(p -> {
            if (p.fromA() && Frames.parse(p.payload()).contains(Frame.Ping.INSTANCE)) {
                pings[0]++;
            }
        });
        sim.runFor(600 * SECOND);
        assertThat(sim.a.isClosed()).isFalse();
        assertThat(sim.b.isClosed()).isFalse();
        assertThat(pings[0]).isBetween(38, 41); // one every 15 s (+ RTT)
    }

    @Test
    void keepaliveFindsALostPeerOnceItsPingGoesUnanswered() {
        sim.connect(TransportConfig.defaults(), ra, rb);
        sim.aToB.loss = 1.0;
        sim.bToA.loss = 1.0;
        long start = sim.now;
        sim.runUntil(() -> sim.a.isClosed() && sim.b.isClosed(), 120 * SECOND, 10_000);
        // The keepalive PING goes out after 15 s of silence; 10 s without an answer closes.
        assertThat(sim.now - start).isBetween(25 * SECOND, 26 * SECOND);
        assertThat(ra.closed.code()).isEqualTo(TransportError.UNRESPONSIVE);
        assertThat(ra.closed.message()).isEqualTo("no answer from the peer for 10000 ms");
    }

    @Test
    void dataToAPeerThatDiedFailsAfterTheUnresponsiveTimeoutNotTheIdleTimeout() {
        sim.connect(TransportConfig.defaults(), ra, rb);
        sim.runFor(30 * SECOND); // quiet for a while: keepalives answered
        assertThat(sim.a.isClosed()).isFalse();
        sim.aToB.loss = 1.0;     // then the peer's process is killed
        sim.bToA.loss = 1.0;
        long sent = sim.now;
        Recorder.writePattern(sim.a.openStream(1), 10_000);
        sim.runUntil(() -> sim.a.isClosed(), 120 * SECOND, 10_000);
        assertThat(sim.now - sent).isBetween(10 * SECOND, 11 * SECOND);
        assertThat(ra.closed.code()).isEqualTo(TransportError.UNRESPONSIVE);
    }

    @Test
    void aSlowPeerThatStillAnswersIsNotUnresponsive() {
        sim.connect(TransportConfig.defaults(), ra, rb);
        sim.linkBoth(l -> l.delayNanos = 3 * SECOND); // 6 s round trips, under the 10 s limit
        Recorder.writePattern(sim.a.openStream(1), 200_000);
        sim.runUntil(() -> rb.finishes == 1, 600 * SECOND, 100_000);
        assertThat(rb.finishes).isEqualTo(1);
        assertThat(sim.a.isClosed()).isFalse();
    }

    @Test
    void closeIsReportedOnBothSides() {
        sim.connect(TransportConfig.defaults(), ra, rb);
        Recorder.writePattern(sim.a.openStream(1), 1000);
        sim.runUntil(() -> rb.finishes == 1, 10 * SECOND, 10_000);
        sim.b.close(TransportError.APPLICATION_BASE + 1, "shutting down");
        assertThat(rb.closed).isEqualTo(new CloseReason(TransportError.APPLICATION_BASE + 1, "shutting down", false));
        sim.runUntil(() -> sim.a.isClosed(), 10 * SECOND, 10_000);
        assertThat(ra.closed).isEqualTo(new CloseReason(TransportError.APPLICATION_BASE + 1, "shutting down", true));
        assertThat(sim.a.poll(sim.now, ByteBuffer.allocate(1200))).isZero();
        assertThat(sim.a.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(sim.a.sendDatagram(1, ByteBuffer.allocate(1))).isFalse();
        assertThatThrownBy(() -> sim.a.openStream(1)).isInstanceOf(IllegalStateException.class);
        assertThat(ra.errors).isEmpty();
        assertThat(rb.errors).isEmpty();
    }

    @Test
    void senderResetIsDeliveredAndFreesStateOnBothSides() {
        sim.connect(TransportConfig.defaults(), ra, rb);
        sim.linkBoth(l -> l.delayNanos = 10_000_000);
        Stream s = sim.a.openStream(3);
        s.write(Recorder.patternBuffer(s.id(), 0, 500_000));
        sim.runUntil(() -> rb.bytes > 100_000, 10 * SECOND, 100_000);
        s.reset(TransportError.APPLICATION_BASE + 7);
        assertThatThrownBy(() -> s.write(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
        sim.runUntil(() -> sim.a.stats().liveStreams() == 0 && sim.b.stats().liveStreams() == 0, 10 * SECOND,
                100_000);
        assertThat(rb.resets).containsEntry(s.id(), TransportError.APPLICATION_BASE + 7);
        assertThat(rb.finishes).isZero();
        assertThat(rb.errors).isEmpty();
        // Connection credit stayed consistent: a transfer larger than the connection window still completes.
        Recorder.writePattern(sim.a.openStream(4), 20L << 20);
        sim.runUntil(() -> rb.finishes == 1, 60 * SECOND, 1_000_000);
        assertThat(rb.errors).isEmpty();
    }

    @Test
    void receiverResetStopsTheSender() {
        sim.connect(TransportConfig.defaults(), ra, rb);
        sim.linkBoth(l -> {
            l.delayNanos = 10_000_000;
            l.loss = 0.05;
        });
        Stream s = sim.a.openStream(3);
        s.setHandler(ra);
        s.write(Recorder.patternBuffer(s.id(), 0, 2_000_000));
        sim.runUntil(() -> !rb.opened.isEmpty() && rb.bytes > 10_000, 10 * SECOND, 100_000);
        rb.opened.get(0).reset(TransportError.APPLICATION_BASE + 9);
        sim.runUntil(() -> sim.a.stats().liveStreams() == 0 && sim.b.stats().liveStreams() == 0, 30 * SECOND,
                100_000);
        assertThat(ra.resets).containsEntry(s.id(), TransportError.APPLICATION_BASE + 9);
        assertThat(rb.resets).isEmpty();
        assertThat(ra.errors).isEmpty();
        assertThat(rb.errors).isEmpty();
    }

    @Test
    void streamsBeyondTheIncomingLimitAreRefused() {
        sim.connect(TransportConfig.defaults(), TransportConfig.builder().maxIncomingStreams(2).build(), ra, rb);
        Stream[] streams = new Stream[5];
        for (int i = 0; i < streams.length; i++) {
            streams[i] = sim.a.openStream(10 + i);
            streams[i].setHandler(ra);
            Recorder.writePattern(streams[i], 100);
        }
        sim.runUntil(() -> ra.resets.size() == 3 && rb.finishes == 2, 10 * SECOND, 100_000);
        assertThat(rb.opened).hasSize(2);
        assertThat(ra.resets.values()).containsOnly(TransportError.STREAM_REFUSED);
        sim.runUntil(() -> sim.a.stats().liveStreams() == 0 && sim.b.stats().liveStreams() == 0, 10 * SECOND,
                100_000);
        // Completed streams free their slots.
        Recorder.writePattern(sim.a.openStream(20), 100);
        sim.runUntil(() -> rb.finishes == 3, 10 * SECOND, 100_000);
    }

    @Test
    void datagramsArriveAndOversizedOnesAreRefused() {
        sim.connect(TransportConfig.defaults(), ra, rb);
        int max = TransportConfig.DEFAULT_MAX_PACKET_PAYLOAD - FrameCodec.PACKET_HEADER_SIZE
                - FrameCodec.DATAGRAM_HEADER_SIZE - Connection.IMMEDIATE_ACK_ROOM;
        assertThat(max).isEqualTo(1186);
        assertThat(sim.a.sendDatagram(1, ByteBuffer.allocate(max + 1))).isFalse();
        byte[][] sent = new byte[20][];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = Recorder.patternBuffer(i, 0, i == 0 ? max : 50 * i).array();
            assertThat(sim.a.sendDatagram(i, ByteBuffer.wrap(sent[i]))).isTrue();
        }
        sim.runUntil(() -> rb.datagrams.size() == sent.length, 10 * SECOND, 10_000);
        for (int i = 0; i < sent.length; i++) {
            assertThat(Arrays.equals(rb.datagrams.get(i), sent[i])).isTrue();
        }
    }
}
