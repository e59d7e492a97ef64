package io.pilot.engine.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.transport.CongestionControl;
import io.pilot.engine.transport.ConnectionStats;
import io.pilot.engine.transport.TransportConfig;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile transport input from an authenticated peer ({@link HostilePeer}) over real sockets on loopback: each
 * attack is refused or bounded, the victim's memory stays bounded (its transport counters say so), and a
 * legitimate peer keeps being served meanwhile. Every case runs with each congestion controller on both ends: the
 * attacks that withhold ACKs, acknowledge what was never sent or fill the window with refusals meet the controller.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(CongestionControl.class)
class TransportAttackTests {

    @Parameter
    CongestionControl controller;

    private static final int PORT = 70;
    /** STREAM frames per sealed packet when the attack sends many small frames. */
    private static final int FRAMES_PER_PACKET = 60;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void aFirstPacketNumberOf2To63Minus1IsDroppedAsMalformedAndEveryoneIsStillServed() throws Exception {
        PilotNode victim = victim(TransportConfig.builder());
        PilotNode legitimate = legitimatePeerOf(victim);
        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            attacker.sendPacket(Long.MAX_VALUE, HostilePeer.ping());
            attacker.sendPacket(1L << 62, HostilePeer.ping());
            await().atMost(5, TimeUnit.SECONDS).untilAsserted(
                    () -> assertThat(transport(victim, attacker).malformedPackets()).isEqualTo(2));
            assertServed(victim, legitimate, "while the attacker's huge packet numbers are refused");

            // The attacker's connection still works: a well-formed PING is answered with an ACK of exactly it.
            attacker.sendPacket(0, HostilePeer.ping());
            ByteBuffer answer = attacker.receivePacket();
            assertThat(answer).as("an ACK of packet 0").isNotNull();
            assertThat(answer.get(8)).isEqualTo((byte) 0x02);
            assertThat(answer.getLong(9)).as("largest acknowledged").isZero();
            assertThat(transport(victim, attacker).packetsReceived()).isEqualTo(1);
        }
        assertServed(victim, legitimate, "after the attack");
    }

    @Test
    void overlappingAndGappedSegmentsStayWithinCredit() throws Exception {
        PilotNode victim = victim(TransportConfig.builder());
        PilotNode legitimate = legitimatePeerOf(victim);
        long credit = TransportConfig.INITIAL_MAX_STREAM_DATA;
        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            long packetNumber = 0;
            // Stream 0: 1100-byte segments in descending order, each overlapping the previous by 1000 bytes, never
            // offset 0, so nothing is ever delivered and everything waits for reassembly.
            int stream = attacker.streamId(0);
            byte[] segment = new byte[1100];
            for (long offset = credit - segment.length; offset > 0; offset -= 100) {
                attacker.sendPacket(packetNumber++, HostilePeer.stream(stream, PORT, offset, segment, false));
            }
            // Stream 1: one-byte segments with one-byte gaps, many to a packet.
            int gapped = attacker.streamId(1);
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (long offset = 1; offset < credit; offset += 2) {
                frames.writeBytes(HostilePeer.stream(gapped, PORT, offset, new byte[1], false));
                if ((offset / 2 + 1) % FRAMES_PER_PACKET == 0) {
                    attacker.sendPacket(packetNumber++, frames.toByteArray());
                    frames.reset();
                }
            }
            attacker.sendPacket(packetNumber++, HostilePeer.ping());
            long lastPacket = packetNumber - 1;
            await().atMost(20, TimeUnit.SECONDS).until(() -> victimSawPacket(attacker, lastPacket));
            ConnectionStats stats = transport(victim, attacker);
            assertThat(stats.reassemblyBytes()).as("bytes waiting for reassembly, two streams of %d credit", credit)
                    .isLessThanOrEqualTo(2 * credit);
            assertThat(stats.reassemblySegments()).as("segments waiting for reassembly")
                    .isLessThanOrEqualTo(TransportConfig.defaults().maxReassemblySegments());
            assertServed(victim, legitimate, "while the attacker's segments are buffered");
        }
    }

    @Test
    void streamsRefusedPastTheLimitAreFreedWithoutThePeersHelp() throws Exception {
        int maxIncoming = 50;
        PilotNode victim = victim(TransportConfig.builder().maxIncomingStreams(maxIncoming));
        PilotNode legitimate = legitimatePeerOf(victim);
        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            // 6000 streams with one byte each and never a FIN or RESET; the attacker acknowledges what it gets (one
            // ACK per packet received, so no packet number it did not see), so the victim's refusals are delivered.
            int streams = 6000;
            long packetNumber = 0;
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (int n = 0; n < streams; n++) {
                frames.writeBytes(HostilePeer.stream(attacker.streamId(n), PORT, 0, new byte[] {1}, false));
                if ((n + 1) % FRAMES_PER_PACKET == 0) {
                    attacker.sendPacket(packetNumber++, frames.toByteArray());
                    frames.reset();
                    // Paced by the victim: wait for its answer to this packet (its refusals), then take the rest.
                    for (ByteBuffer in = attacker.receivePacket(); in != null; in = attacker.receivePacket(1)) {
                        attacker.sendPacket(packetNumber++, HostilePeer.ack(in.getLong(0), in.getLong(0)));
                    }
                }
            }
            attacker.sendPacket(packetNumber++, HostilePeer.ping());
            long lastPacket = packetNumber - 1;
            await().atMost(20, TimeUnit.SECONDS).until(() -> victimSawPacket(attacker, lastPacket));
            ConnectionStats stats = transport(victim, attacker);
            assertThat(stats.packetsReceived()).as("the attack arrived").isGreaterThan(streams / FRAMES_PER_PACKET / 2);
            assertThat(stats.liveStreams()).as("streams holding state").isLessThanOrEqualTo(maxIncoming);
            assertServed(victim, legitimate, "while the attacker's streams are refused");
        }
    }

    @Test
    void aPeerThatOpensStreamsPastTheLimitAndNeverTakesTheRefusalsIsClosed() throws Exception {
        PilotNode victim = victim(TransportConfig.builder().maxIncomingStreams(50));
        PilotNode legitimate = legitimatePeerOf(victim);
        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            // No ACK ever: the victim's refusals fill its congestion window, then its queue of refusals.
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            long packetNumber = 0;
            for (int n = 0; n < 6000; n++) {
                frames.writeBytes(HostilePeer.stream(attacker.streamId(n), PORT, 0, new byte[] {1}, false));
                if ((n + 1) % FRAMES_PER_PACKET == 0) {
                    attacker.sendPacket(packetNumber++, frames.toByteArray());
                    frames.reset();
                }
            }
            String close = null;
            for (ByteBuffer packet = attacker.receivePacket(); packet != null && close == null;
                    packet = attacker.receivePacket()) {
                close = HostilePeer.closeIn(packet);
            }
            assertThat(close).as("the victim's CLOSE").isNotNull().startsWith("2: ").contains("refusals");
            await().atMost(5, TimeUnit.SECONDS).until(() -> victim.peer(attacker.address()).map(p -> !p.established())
                    .orElse(true));
        }
        assertServed(victim, legitimate, "after closing the attacker's connection");
    }

    @Test
    void anAckOfASkippedPacketNumberClosesTheConnectionAsAProtocolViolation() throws Exception {
        PilotNode victim = victim(TransportConfig.builder());
        PilotNode legitimate = legitimatePeerOf(victim);
        try (HostilePeer attacker = HostilePeer.connect(victim)) {
            // Two PINGs per packet pair make the victim acknowledge at once: about one victim packet per pair.
            long largestSeen = -1;
            for (int pn = 0; pn < 2000; pn++) {
                attacker.sendPacket(pn, HostilePeer.ping());
                if (pn % 2 == 1) {
                    ByteBuffer packet = attacker.receivePacket();
                    assertThat(packet).as("the victim's ACK").isNotNull();
                    largestSeen = Math.max(largestSeen, packet.getLong(0));
                }
            }
            assertThat(largestSeen).as("packets the victim sent, more than the longest interval between skips")
                    .isGreaterThanOrEqualTo(900);
            // An optimistic ACK: everything up to the largest packet number seen, as if nothing had been skipped.
            attacker.sendPacket(2000, HostilePeer.ack(largestSeen, 0));
            String close = null;
            for (ByteBuffer packet = attacker.receivePacket(); packet != null && close == null;
                    packet = attacker.receivePacket()) {
                close = HostilePeer.closeIn(packet);
            }
            assertThat(close).as("the victim's CLOSE").isNotNull().startsWith("2: ").contains("skipped");
            await().atMost(5, TimeUnit.SECONDS).until(() -> victim.peer(attacker.address()).map(p -> !p.established())
                    .orElse(true));
        }
        assertServed(victim, legitimate, "after closing the attacker's connection");
    }

    // ------------------------------------------------------------------ helpers

    private PilotNode victim(TransportConfig.Builder config) {
        PilotNode victim = nodes.start(b -> b.transportConfig(config.congestionControl(controller).build()));
        victim.listen(PORT, MessageHandler.of(in -> Message.of("served " + in.message().bodyAsString())));
        return victim;
    }

    /** A well-behaved node with a session to {@code victim}. */
    private PilotNode legitimatePeerOf(PilotNode victim) {
        PilotNode legitimate = nodes.start(
                b -> b.transportConfig(TransportConfig.builder().congestionControl(controller).build()));
        legitimate.connect(victim.publicKey(), victim.localEndpoint()).join();
        return legitimate;
    }

    private static void assertServed(PilotNode victim, PilotNode legitimate, String when) throws Exception {
        Message reply = legitimate.request(new PilotSocketAddress(victim.address(), PORT), Message.of(when))
                .get(10, TimeUnit.SECONDS);
        assertThat(reply.bodyAsString()).isEqualTo("served " + when);
    }

    private static ConnectionStats transport(PilotNode victim, HostilePeer attacker) {
        PeerInfo info = victim.peer(attacker.address()).orElseThrow();
        assertThat(info.transport()).as("the attacker's connection is open").isNotNull();
        return info.transport();
    }

    /** Whether the victim acknowledged {@code packetNumber} (its final PING is ack-eliciting). */
    private static boolean victimSawPacket(HostilePeer attacker, long packetNumber) throws Exception {
        for (ByteBuffer packet = attacker.receivePacket(); packet != null; packet = attacker.receivePacket()) {
            if (packet.get(8) == 0x02 && packet.getLong(9) >= packetNumber) {
                return true;
            }
        }
        return false;
    }
}
