package io.pilot.engine.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.CountingProducer;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.Waits;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.BlockingItems;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.FrameException;
import io.pilot.engine.message.FrameKind;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageFrame;
import io.pilot.engine.message.MessageFrameDecoder;
import io.pilot.engine.message.MessageFrameEncoder;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.message.StreamCredit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Streamed replies (docs/PROTOCOL.md §6.6) from a peer that breaks their rules ({@link HostilePeer}, real sockets on
 * loopback): each bad frame is answered with a clear error on its own stream (or refused by the caller), the producer
 * behind it is cancelled, and the victim keeps serving a legitimate peer, streams included.
 */
class StreamAttackTests {

    private static final int PORT = 300;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private long packetNumber;

    @Test
    void creditOnAStreamThatIsNoStreamedReplyIsRefused() throws Exception {
        PilotNode victim = victim(new CountDownLatch(1));
        PilotNode legitimate = legitimatePeerOf(victim);
        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            int creditFirst = attacker.streamId(0);
            send(attacker, creditFirst, true, credit(4));
            assertError(readFromVictim(attacker, creditFirst), ErrorCode.PROTOCOL, "expected a request, got CREDIT");

            int afterRequest = attacker.streamId(1);
            send(attacker, afterRequest, true, frame(FrameKind.REQUEST, Message.of("?")), credit(4));
            assertError(readFromVictim(attacker, afterRequest), ErrorCode.PROTOCOL, "bytes after the end of the frame");
        }
        assertServed(victim, legitimate);
    }

    @Test
    void creditOverTheCapOrMalformedIsRefusedAndTheProducerCancelled() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(4);
        PilotNode victim = victim(cancelled);
        PilotNode legitimate = legitimatePeerOf(victim);
        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            int overCap = attacker.streamId(0);
            send(attacker, overCap, false, requestStream("1000"), credit(StreamCredit.MAX_OUTSTANDING - 1000 + 1));
            assertError(readFromVictim(attacker, overCap), ErrorCode.PROTOCOL, "over " + StreamCredit.MAX_OUTSTANDING);

            int notCredit = attacker.streamId(1);
            send(attacker, notCredit, false, requestStream("1"), frame(FrameKind.ITEM, Message.empty()));
            assertError(readFromVictim(attacker, notCredit), ErrorCode.PROTOCOL, "expected CREDIT");

            int creditWithABody = attacker.streamId(4);
            send(attacker, creditWithABody, false, requestStream("1"),
                    frame(FrameKind.CREDIT, Message.of(new byte[100]).with(Headers.CREDIT, "1")));
            assertError(readFromVictim(attacker, creditWithABody), ErrorCode.TOO_LARGE, "exceeds the limit of 0 bytes");

            int zeroCredit = attacker.streamId(2);
            send(attacker, zeroCredit, false, requestStream("2"),
                    frame(FrameKind.CREDIT, Message.empty().with(Headers.CREDIT, "0")));
            assertError(readFromVictim(attacker, zeroCredit), ErrorCode.PROTOCOL, "outside 1..");

            int badHeader = attacker.streamId(3);
            send(attacker, badHeader, false, requestStream("lots"));
            assertError(readFromVictim(attacker, badHeader), ErrorCode.PROTOCOL, "must be a count of items");
        }
        // The four streams that reached their producer had it cancelled; the malformed one never started one.
        Waits.awaitLatch(cancelled);
        assertServed(victim, legitimate);
    }

    @Test
    void itemsBeyondTheCreditAreRefusedByTheCaller() throws Exception {
        PilotNode victim = victim(new CountDownLatch(1));
        PilotNode legitimate = legitimatePeerOf(victim);
        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            // The victim calls the attacker, asking for one item at a time.
            int stream = attacker.streamId(0) ^ 1;
            BlockingItems<Message> items = new BlockingItems<>(
                    victim.requestStream(new PilotSocketAddress(attacker.address(), PORT), Message.of("one please")), 1);
            List<MessageFrame> request = readFrames(attacker, stream, 1);
            assertThat(request.get(0).kind()).isEqualTo(FrameKind.REQUEST_STREAM);
            assertThat(request.get(0).message().header(Headers.CREDIT)).isEqualTo("1");

            send(attacker, stream, false, frame(FrameKind.ITEM, Message.of("first")),
                    frame(FrameKind.ITEM, Message.of("uninvited")));
            assertThat(items.next().bodyAsString()).isEqualTo("first");
            assertThatThrownBy(items::hasNext).isInstanceOfSatisfying(PilotException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL)).hasMessageContaining("beyond the credit");
            items.close();
        }
        assertServed(victim, legitimate);
    }

    @Test
    void aMalformedOrSpentDeadlineIsRefusedBeforeAnyProducerStarts() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        PilotNode victim = victim(cancelled);
        PilotNode legitimate = legitimatePeerOf(victim);
        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            int negative = attacker.streamId(0);
            send(attacker, negative, false, frame(FrameKind.REQUEST_STREAM,
                    Message.of("?").with(Headers.CREDIT, "1").with(Headers.DEADLINE, "-5")));
            assertError(readFromVictim(attacker, negative), ErrorCode.PROTOCOL, "header deadline must be whole milliseconds");

            int overflowing = attacker.streamId(1);
            send(attacker, overflowing, false, frame(FrameKind.REQUEST_STREAM,
                    Message.of("?").with(Headers.CREDIT, "1").with(Headers.DEADLINE, "99999999999")));
            assertError(readFromVictim(attacker, overflowing), ErrorCode.PROTOCOL, "got '99999999999'");

            int spent = attacker.streamId(2);
            send(attacker, spent, false, frame(FrameKind.REQUEST_STREAM,
                    Message.of("?").with(Headers.CREDIT, "1").with(Headers.DEADLINE, "0")));
            assertError(readFromVictim(attacker, spent), ErrorCode.DEADLINE_EXCEEDED, "deadline had passed");
        }
        assertServed(victim, legitimate);
        // A producer that had started would have been cancelled when its stream was answered.
        assertThat(cancelled.getCount()).as("no producer started").isEqualTo(1);
    }

    @Test
    void aCallerSendsTheDeadlineOnlyWhenItSetsOne() throws Exception {
        PilotNode victim = victim(new CountDownLatch(1));
        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            PilotSocketAddress target = new PilotSocketAddress(attacker.address(), PORT);
            int first = attacker.streamId(0) ^ 1;
            BlockingItems<Message> open = new BlockingItems<>(victim.requestStream(target, Message.of("?")), 1);
            MessageFrame plain = readFrames(attacker, first, 1).get(0);
            assertThat(plain.message().header(Headers.DEADLINE)).as("no total limit asked").isNull();
            open.close();

            int second = attacker.streamId(1) ^ 1;
            BlockingItems<Message> bounded = new BlockingItems<>(victim.requestStream(target, Message.of("?"),
                    Duration.ofSeconds(30), 4, Duration.ofSeconds(5)), 1);
            MessageFrame limited = readFrames(attacker, second, 1).get(0);
            assertThat(Long.parseLong(limited.message().header(Headers.DEADLINE))).isBetween(1L, 5000L);
            bounded.close();
        }
    }

    // ------------------------------------------------------------------ the victim and its legitimate peer

    /** A victim whose port streams endlessly and counts its producers' cancellations. */
    private PilotNode victim(CountDownLatch cancellations) {
        PilotNode victim = nodes.start();
        victim.listen(PORT, MessageHandler.streaming(in -> {
            if (in.message().bodyAsString().equals("legitimate")) {
                return CountingProducer.of(3);
            }
            // Holds its credit: never emits, so what the caller granted stays outstanding.
            return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                    cancellations.countDown();
                }
            });
        }));
        return victim;
    }

    private PilotNode legitimatePeerOf(PilotNode victim) {
        PilotNode legitimate = nodes.start();
        legitimate.connect(victim.publicKey(), victim.localEndpoint()).join();
        return legitimate;
    }

    private static void assertServed(PilotNode victim, PilotNode legitimate) {
        List<String> items = new ArrayList<>();
        try (BlockingItems<Message> stream = new BlockingItems<>(
                legitimate.requestStream(new PilotSocketAddress(victim.address(), PORT), Message.of("legitimate")), 4)) {
            stream.forEachRemaining(item -> items.add(item.bodyAsString()));
        }
        assertThat(items).containsExactly("item 0", "item 1", "item 2");
    }

    // ------------------------------------------------------------------ frames on the wire

    private static byte[] frame(FrameKind kind, Message message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer part : MessageFrameEncoder.encode(new MessageFrame(kind, message))) {
            byte[] bytes = new byte[part.remaining()];
            part.get(bytes);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] requestStream(String credit) {
        return frame(FrameKind.REQUEST_STREAM, Message.of("?").with(Headers.CREDIT, credit));
    }

    private static byte[] credit(int items) {
        return frame(FrameKind.CREDIT, Message.empty().with(Headers.CREDIT, Integer.toString(items)));
    }

    /** Sends {@code frames} back to back as the stream's data from offset 0, in one STREAM frame. */
    private void send(HostilePeer attacker, int streamId, boolean fin, byte[]... frames) throws Exception {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            data.writeBytes(frame);
        }
        attacker.sendPacket(packetNumber++, HostilePeer.stream(streamId, PORT, 0, data.toByteArray(), fin));
    }

    private static void assertError(List<MessageFrame> frames, ErrorCode code, String text) {
        assertThat(frames).isNotEmpty();
        MessageFrame last = frames.get(frames.size() - 1);
        assertThat(last.kind()).isEqualTo(FrameKind.ERROR);
        assertThat(last.message().header(Headers.ERROR_CODE)).isEqualTo(code.name());
        assertThat(last.message().bodyAsString()).contains(text);
    }

    /** The victim's frames on {@code streamId} up to its FIN. */
    private static List<MessageFrame> readFromVictim(HostilePeer attacker, int streamId) throws Exception {
        return readFrames(attacker, streamId, Integer.MAX_VALUE);
    }

    /** The victim's frames on {@code streamId}: until its FIN, or {@code count} frames. */
    private static List<MessageFrame> readFrames(HostilePeer attacker, int streamId, int count) throws Exception {
        Map<Long, byte[]> segments = new TreeMap<>();
        long finalSize = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            ByteBuffer packet = attacker.receivePacket();
            if (packet != null) {
                finalSize = Math.max(finalSize, collect(packet, streamId, segments));
            }
            byte[] contiguous = contiguous(segments);
            List<MessageFrame> frames = decode(contiguous);
            if (frames.size() >= count || finalSize >= 0 && contiguous.length == finalSize) {
                return frames;
            }
        }
        throw new AssertionError("the victim did not finish stream " + streamId);
    }

    /** Adds the packet's STREAM frames for {@code streamId} to {@code segments}; the final size if one had FIN, else -1. */
    private static long collect(ByteBuffer packet, int streamId, Map<Long, byte[]> segments) {
        long finalSize = -1;
        ByteBuffer in = packet.duplicate().position(8);
        while (in.hasRemaining()) {
            int type = in.get() & 0xff;
            switch (type) {
                case 0x00, 0x01 -> { }
                case 0x02 -> {
                    in.position(in.position() + 12);
                    int ranges = in.get() & 0xff;
                    in.position(in.position() + 4 + 8 * (ranges - 1));
                }
                case 0x04 -> in.position(in.position() + 16);
                case 0x08, 0x09 -> {
                    int id = in.getInt();
                    in.getShort();
                    long offset = in.getLong();
                    byte[] data = new byte[in.getShort() & 0xffff];
                    in.get(data);
                    if (id == streamId) {
                        segments.put(offset, data);
                        if (type == 0x09) {
                            finalSize = offset + data.length;
                        }
                    }
                }
                case 0x10 -> in.position(in.position() + 8);
                case 0x11 -> in.position(in.position() + 12);
                case 0x1c -> throw new AssertionError("the victim closed the connection");
                case 0x30 -> {
                    in.getShort();
                    in.position(in.position() + (in.getShort() & 0xffff));
                }
                default -> throw new AssertionError("unknown transport frame type " + type);
            }
        }
        return finalSize;
    }

    private static byte[] contiguous(Map<Long, byte[]> segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<Long, byte[]> segment : segments.entrySet()) {
            long end = segment.getKey() + segment.getValue().length;
            if (segment.getKey() > out.size()) {
                break;
            }
            if (end > out.size()) {
                out.write(segment.getValue(), (int) (out.size() - segment.getKey()), (int) (end - out.size()));
            }
        }
        return out.toByteArray();
    }

    private static List<MessageFrame> decode(byte[] data) throws FrameException {
        List<MessageFrame> frames = new ArrayList<>();
        MessageFrameDecoder decoder = new MessageFrameDecoder(1 << 20);
        ByteBuffer in = ByteBuffer.wrap(data);
        for (MessageFrame frame = decoder.next(in); frame != null; frame = decoder.next(in)) {
            frames.add(frame);
        }
        return frames;
    }
}
