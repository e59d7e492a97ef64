package io.pilot.engine.transport;

import java.util.Arrays;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile or broken payloads never escape {@code receive} as exceptions and never leave a half-updated state. */
class MalformedInputTests {

    private final Recorder app = new Recorder();
    private final Connection connection = new Connection(TransportConfig.defaults(), false, app, 0);

    private void receive(byte[] payload) {
        connection.receive(ByteBuffer.wrap(payload), 1000);
    }

    private List<Frame> sentFrames() {
        List<Frame> frames = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocate(2000);
        while (true) {
            out.clear();
            int n = connection.poll(1000, out);
            if (n == 0) {
                return frames;
            }
            out.flip();
            byte[] packet = new byte[n];
            out.get(packet);
            frames.addAll(Frames.parse(packet));
        }
    }

    @Test
    void packetNumbersFrom2To62AreMalformedAndTheConnectionStaysUsable() {
        for (long pn : new long[] {Long.MAX_VALUE, 1L << 62, (1L << 62) + 5}) {
            receive(Frames.bytes(Frames.packet(pn).put((byte) FrameCodec.PING)));
        }
        ByteBuffer ack = Frames.packet(0);
        ack.put((byte) FrameCodec.ACK).putLong(1L << 62).putInt(0).put((byte) 1).putInt(0);
        receive(Frames.bytes(ack));
        assertThat(connection.stats().malformedPackets()).isEqualTo(4);
        assertThat(sentFrames()).as("nothing is acknowledged").isEmpty();

        receive(Frames.bytes(Frames.packet((1L << 62) - 1).put((byte) FrameCodec.PING)));
        List<Frame> answer = sentFrames();
        assertThat(answer).singleElement().isInstanceOfSatisfying(Frame.Ack.class,
                a -> assertThat(a.ranges()).containsExactly((1L << 62) - 1, (1L << 62) - 1));
        assertThat(connection.isClosed()).isFalse();
    }

    @Test
    void unparseablePacketsAreDroppedAndCounted() {
        receive(new byte[] {1, 2, 3});                                        // shorter than a packet number
        receive(new byte[] {0, 0, 0, 0, 0, 0, 0, 1});                         // no frames
        receive(new byte[] {0, 0, 0, 0, 0, 0, 0, 2, 0x77});                   // unknown frame type
        receive(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1});            // packet number >= 2^63
        byte[] truncated = Frames.stream(3, 0, 80, 0, new byte[10], false);
        receive(Arrays.copyOf(truncated, truncated.length - 1));  // truncated STREAM
        ByteBuffer huge = Frames.packet(4);
        FrameCodec.writeStreamHeader(huge, 0, 80, 0, 0xffff, false);          // length beyond the packet
        huge.put(new byte[10]);
        receive(Frames.bytes(huge));

        assertThat(connection.stats().malformedPackets()).isEqualTo(6);
        assertThat(connection.stats().packetsReceived()).isZero();
        assertThat(connection.isClosed()).isFalse();
        assertThat(app.opened).isEmpty();
        // A valid STREAM frame followed by garbage is dropped entirely: nothing of it was applied.
        ByteBuffer mixed = Frames.packet(5);
        FrameCodec.writeStreamHeader(mixed, 0, 80, 0, 3, false);
        mixed.put(new byte[3]).put((byte) 0x77);
        receive(Frames.bytes(mixed));
        assertThat(app.opened).isEmpty();
        assertThat(sentFrames()).isEmpty(); // nothing to acknowledge either
    }

    @Test
    void duplicatePacketsAreDroppedAndCounted() {
        byte[] packet = Frames.stream(0, 0, 80, 0, Recorder.patternBuffer(0, 0, 5).array(), false);
        receive(packet);
        receive(packet);
        assertThat(connection.stats().duplicatePackets()).isEqualTo(1);
        assertThat(app.received.get(0)).isEqualTo(5L);
    }

    @Test
    void dataBeyondStreamCreditClosesWithFlowControlError() {
        receive(Frames.stream(0, 0, 80, TransportConfig.INITIAL_MAX_STREAM_DATA - 1, new byte[2], false));
        assertThat(connection.isClosed()).isTrue();
        assertThat(app.closed.code()).isEqualTo(TransportError.FLOW_CONTROL_ERROR);
        assertThat(app.closed.remote()).isFalse();
        assertThat(sentFrames()).containsExactly(new Frame.Close(TransportError.FLOW_CONTROL_ERROR,
                app.closed.message()));
        receive(Frames.stream(1, 0, 80, 0, new byte[2], false));
        assertThat(connection.stats().droppedPackets()).isEqualTo(1);
        assertThat(connection.stats().liveStreams()).isZero();
    }

    @Test
    void dataBeyondConnectionCreditClosesWithFlowControlError() {
        long perStream = TransportConfig.INITIAL_MAX_STREAM_DATA - 10;
        int streams = (int) (TransportConfig.INITIAL_MAX_DATA / perStream) + 1;
        for (int i = 0; i < streams && !connection.isClosed(); i++) {
            receive(Frames.stream(i, 2 * i, 80, perStream, new byte[1], false));
        }
        assertThat(app.closed.code()).isEqualTo(TransportError.FLOW_CONTROL_ERROR);
    }

    @Test
    void protocolViolationsClose() {
        ByteBuffer ack = Frames.packet(0);
        RangeSet unsent = new RangeSet();
        unsent.add(0, 1);
        FrameCodec.writeAck(ack, unsent, 0, 1);
        receive(Frames.bytes(ack));
        assertThat(app.closed.code()).isEqualTo(TransportError.PROTOCOL_VIOLATION);

        Recorder other = new Recorder();
        Connection c2 = new Connection(TransportConfig.defaults(), false, other, 0);
        // Stream 1 has this side's parity (odd) but was never opened here.
        c2.receive(ByteBuffer.wrap(Frames.stream(0, 1, 80, 0, new byte[1], false)), 0);
        assertThat(other.closed.code()).isEqualTo(TransportError.PROTOCOL_VIOLATION);

        Recorder third = new Recorder();
        Connection c3 = new Connection(TransportConfig.defaults(), false, third, 0);
        c3.receive(ByteBuffer.wrap(Frames.stream(0, 0, 80, 0, new byte[4], true)), 0);
        c3.receive(ByteBuffer.wrap(Frames.stream(1, 0, 80, 0, new byte[6], true)), 0); // final size changed
        assertThat(third.closed.code()).isEqualTo(TransportError.PROTOCOL_VIOLATION);
    }

    @Test
    void outOfOrderDataIsReassembled() {
        byte[] data = Recorder.patternBuffer(0, 0, 3000).array();
        receive(Frames.stream(0, 0, 80, 2000, Arrays.copyOfRange(data, 2000, 3000), true));
        receive(Frames.stream(1, 0, 80, 1000, Arrays.copyOfRange(data, 1000, 2000), false));
        receive(Frames.stream(2, 0, 80, 500, Arrays.copyOfRange(data, 500, 1500), false));
        assertThat(app.received.getOrDefault(0, 0L)).isZero();
        receive(Frames.stream(3, 0, 80, 0, Arrays.copyOfRange(data, 0, 1000), false));
        assertThat(app.errors).isEmpty();
        assertThat(app.received.get(0)).isEqualTo(3000L);
        assertThat(app.finishes).isEqualTo(1);
    }

    @Test
    void randomPayloadsNeverEscapeOrCorruptState() {
        Random random = new Random(99);
        List<byte[]> valid = captureValidPackets();
        int closedByViolation = 0;
        Recorder fuzzApp = new Recorder();
        Connection target = new Connection(TransportConfig.defaults(), false, fuzzApp, 0);
        long now = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] payload;
            if (i % 2 == 0) {
                payload = new byte[1 + random.nextInt(1300)];
                random.nextBytes(payload);
                payload[0] = 0; // keep most packet numbers small so frames get parsed and applied
            } else {
                byte[] base = valid.get(random.nextInt(valid.size()));
                payload = base.clone();
                for (int flips = random.nextInt(4); flips >= 0; flips--) {
                    payload[random.nextInt(payload.length)] = (byte) random.nextInt(256);
                }
                if (random.nextBoolean()) {
                    payload = Arrays.copyOf(payload, random.nextInt(payload.length + 1));
                }
            }
            ConnectionStats before = target.stats();
            now += 1_000_000;
            target.receive(ByteBuffer.wrap(payload), now);
            ConnectionStats after = target.stats();
            long accounted = (after.malformedPackets() - before.malformedPackets())
                    + (after.duplicatePackets() - before.duplicatePackets())
                    + (after.droppedPackets() - before.droppedPackets())
                    + (after.packetsReceived() - before.packetsReceived());
            assertThat(accounted).isEqualTo(1);
            ByteBuffer out = ByteBuffer.allocate(1200);
            while (target.poll(now, out.clear()) > 0) {
                out.flip();
                byte[] packet = new byte[out.remaining()];
                out.get(packet);
                Frames.parse(packet); // whatever it sends is well-formed
            }
            if (target.nextDeadlineNanos() <= now) {
                target.onTimeout(now);
            }
            if (target.isClosed()) {
                // Remote CLOSE frames in mutated packets carry arbitrary codes; local closes must be violations
                // (never INTERNAL_ERROR, which would mean an exception inside the transport).
                if (!fuzzApp.closed.remote()) {
                    assertThat(fuzzApp.closed.code()).as("closed by %s", fuzzApp.closed)
                            .isIn(TransportError.PROTOCOL_VIOLATION, TransportError.FLOW_CONTROL_ERROR);
                    closedByViolation++;
                }
                fuzzApp = new Recorder();
                target = new Connection(TransportConfig.defaults(), false, fuzzApp, now);
            }
        }
        assertThat(closedByViolation).isPositive();
    }

    /** Real packets from A to B of a short exchange, as mutation seeds. */
    private static List<byte[]> captureValidPackets() {
        Simulator sim = new Simulator(4);
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        sim.connect(TransportConfig.defaults(), ra, rb);
        List<byte[]> packets = new ArrayList<>();
        sim.observers.add(p -> {
            if (p.fromA()) {
                packets.add(p.payload());
            }
        });
        for (int i = 0; i < 20; i++) {
            Recorder.writePattern(sim.a.openStream(i), 3000);
        }
        sim.a.sendDatagram(5, ByteBuffer.wrap(new byte[100]));
        sim.a.openStream(99).reset(TransportError.APPLICATION_BASE);
        sim.runUntil(() -> rb.finishes == 20, 10_000_000_000L, 100_000);
        sim.a.close(TransportError.APPLICATION_BASE, "done");
        sim.flushBoth();
        return packets;
    }
}
