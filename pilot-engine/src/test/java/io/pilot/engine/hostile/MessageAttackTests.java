package io.pilot.engine.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
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

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile message frames from an authenticated peer ({@link HostilePeer}), here request headers the engine's own
 * sender never writes: each is answered with a clear error, runs no handler, and the victim keeps serving.
 */
class MessageAttackTests {

    private static final int PORT = 71;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void aMalformedDeadlineIsAProtocolErrorAndTheHandlerNeverRuns() throws Exception {
        PilotNode victim = nodes.start();
        AtomicInteger ran = new AtomicInteger();
        victim.listen(PORT, MessageHandler.of(in -> {
            ran.incrementAndGet();
            return Message.of("served " + in.message().bodyAsString());
        }));
        PilotNode legitimate = nodes.start();
        legitimate.connect(victim.publicKey(), victim.localEndpoint()).join();
        List<String> malformed = List.of("-5", "soon", "", "12345678901", "2147483648", " 7", "1e3", "+10",
                "9".repeat(200));

        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            long packetNumber = 0;
            for (int n = 0; n < malformed.size(); n++) {
                String value = malformed.get(n);
                int stream = attacker.streamId(n);
                attacker.sendPacket(packetNumber++, HostilePeer.stream(stream, PORT, 0,
                        request(Message.of("x").with(Headers.DEADLINE, value)), true));

                MessageFrame answer = answerOn(attacker, stream);
                assertThat(answer.kind()).as("answer to deadline '%s'", value).isEqualTo(FrameKind.ERROR);
                assertThat(answer.message().header(Headers.ERROR_CODE)).isEqualTo(ErrorCode.PROTOCOL.name());
                assertThat(answer.message().bodyAsString())
                        .startsWith("header deadline must be whole milliseconds from 0 to 2147483647, got '")
                        .hasSizeLessThan(150); // a long value is quoted in part, not echoed whole
            }
        }
        assertThat(ran).as("no handler ran for a malformed deadline").hasValue(0);
        Message reply = legitimate.request(new PilotSocketAddress(victim.address(), PORT), Message.of("after"))
                .get(10, TimeUnit.SECONDS);
        assertThat(reply.bodyAsString()).isEqualTo("served after");
        assertThat(ran).hasValue(1);
    }

    @Test
    void thousandsOfRequestsAnnouncingLargeBodiesAndSendingAFewBytesAreHeldCheaplyNotRefused() throws Exception {
        PilotNode victim = nodes.start();
        AtomicInteger ran = new AtomicInteger();
        victim.listen(PORT, MessageHandler.of(in -> {
            ran.incrementAndGet();
            return Message.of("served " + in.message().bodyAsString());
        }));
        // Each stream: a request's prelude announcing a 1 MiB body, and 3 bytes of it; never finished. Until
        // 2026-12-07 each made the victim allocate 64 KiB at once, so about a thousand of them filled the peer's
        // 64 MiB budget and the rest were refused OVERLOADED, their buffers held anyway (PROTOCOL.md §10, gap 42).
        byte[] prelude = Arrays.copyOf(request(Message.of(new byte[1 << 20])), 9);
        int streams = 5_000;
        int perPacket = 40;
        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            long packetNumber = 0;
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (int n = 0; n < streams; n++) {
                frames.writeBytes(HostilePeer.stream(attacker.streamId(n), PORT, 0, prelude, false));
                if ((n + 1) % perPacket == 0) {
                    attacker.sendPacket(packetNumber++, frames.toByteArray());
                    frames.reset();
                }
            }
            // Then one whole request: once it is answered, the victim has read every packet before it.
            int last = attacker.streamId(streams);
            attacker.sendPacket(packetNumber, HostilePeer.stream(last, PORT, 0, request(Message.of("whole")), true));

            Set<Integer> answered = new HashSet<>();
            MessageFrameDecoder decoder = new MessageFrameDecoder(1 << 20);
            MessageFrame lastAnswer = null;
            for (ByteBuffer packet = attacker.receivePacket(); packet != null && lastAnswer == null;
                    packet = attacker.receivePacket()) {
                for (Map.Entry<Integer, byte[]> data : HostilePeer.streamDataById(packet).entrySet()) {
                    if (data.getKey() == last) {
                        lastAnswer = feed(decoder, data.getValue());
                    } else {
                        answered.add(data.getKey());
                    }
                }
            }
            assertThat(lastAnswer).as("the whole request after them is answered").isNotNull();
            assertThat(lastAnswer.message().bodyAsString()).isEqualTo("served whole");
            assertThat(answered).as("no half-sent request answered (OVERLOADED): 1 KiB each is within the budget")
                    .isEmpty();
        }
        assertThat(ran).hasValue(1);
        PilotNode legitimate = nodes.start();
        legitimate.connect(victim.publicKey(), victim.localEndpoint()).join();
        Message reply = legitimate.request(new PilotSocketAddress(victim.address(), PORT), Message.of("after"))
                .get(10, TimeUnit.SECONDS);
        assertThat(reply.bodyAsString()).isEqualTo("served after");
    }

    @Test
    void whatAllPeersHalfSentRequestsHoldIsBoundedByTheNodeAndFreedWhenTheyGiveUp() throws Exception {
        long budget = 256 << 10;
        PilotNode victim = nodes.start(b -> b.maxInboundBuffered(budget));
        victim.listen(PORT, MessageHandler.of(in -> Message.of("served " + in.message().body().length)));
        PilotNode legitimate = nodes.start();
        legitimate.connect(victim.publicKey(), victim.localEndpoint()).join();
        PilotSocketAddress service = new PilotSocketAddress(victim.address(), PORT);
        byte[] large = new byte[100_000];

        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            // Two requests of 100,000 bytes each, all but their last byte sent: 200,000 of the node's 262,144 held.
            byte[] half = Arrays.copyOf(request(Message.of(large)), request(Message.of(large)).length - 1);
            long packetNumber = 0;
            for (int n = 0; n < 2; n++) {
                for (int offset = 0; offset < half.length; offset += 1_000) {
                    byte[] piece = Arrays.copyOfRange(half, offset, Math.min(half.length, offset + 1_000));
                    attacker.sendPacket(packetNumber++, HostilePeer.stream(attacker.streamId(n), PORT, offset, piece,
                            false));
                }
            }
            packetNumber = answeredWhole(attacker, packetNumber, 2, "served 5");

            // Another peer's request needs more than is left: refused by the node's bound, not its own share.
            assertThatThrownBy(() -> legitimate.request(service, Message.of(large)).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(PilotException.class)
                    .cause().satisfies(e -> assertThat(((PilotException) e).code()).isEqualTo(ErrorCode.OVERLOADED))
                    .hasMessageContaining("from all peers (over 262144 bytes)");

            // The attacker gives up its two requests (RESET_STREAM): what they held is free again.
            for (int n = 0; n < 2; n++) {
                attacker.sendPacket(packetNumber++, ByteBuffer.allocate(17).put((byte) 0x04)
                        .putInt(attacker.streamId(n)).putInt(0x100).putLong(half.length).array());
            }
            answeredWhole(attacker, packetNumber, 3, "served 5");
        }
        assertThat(legitimate.request(service, Message.of(large)).get(10, TimeUnit.SECONDS).bodyAsString())
                .isEqualTo("served 100000");
    }

    /**
     * Sends a whole small request on the attacker's {@code n}th stream and waits for its answer: the victim has then
     * read every packet before it. Returns the next packet number.
     */
    private static long answeredWhole(HostilePeer attacker, long packetNumber, int n, String expected)
            throws Exception {
        int stream = attacker.streamId(n);
        attacker.sendPacket(packetNumber, HostilePeer.stream(stream, PORT, 0, request(Message.of("whole")), true));
        assertThat(answerOn(attacker, stream).message().bodyAsString()).isEqualTo(expected);
        return packetNumber + 1;
    }

    private static byte[] request(Message message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ByteBuffer part : MessageFrameEncoder.encode(new MessageFrame(FrameKind.REQUEST, message))) {
            byte[] chunk = new byte[part.remaining()];
            part.get(chunk);
            bytes.writeBytes(chunk);
        }
        return bytes.toByteArray();
    }

    /** The frame the victim answers on {@code stream}, read from its packets as they come. */
    private static MessageFrame answerOn(HostilePeer attacker, int stream) throws Exception {
        MessageFrameDecoder decoder = new MessageFrameDecoder(1 << 20);
        for (ByteBuffer packet = attacker.receivePacket(); packet != null; packet = attacker.receivePacket()) {
            byte[] data = HostilePeer.streamData(packet, stream);
            if (data != null) {
                MessageFrame frame = feed(decoder, data);
                if (frame != null) {
                    return frame;
                }
            }
        }
        throw new AssertionError("no answer on stream " + stream);
    }

    private static MessageFrame feed(MessageFrameDecoder decoder, byte[] data) throws FrameException {
        return decoder.feed(ByteBuffer.wrap(data));
    }
}
