package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.UdpForwarder;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.transport.CongestionControl;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.WireFormat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile input at the datagram layer: each is dropped and counted, and the real peers carry on; the cases whose
 * transport must recover from what was dropped run with each congestion controller.
 */
class AttackTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @ParameterizedTest(name = "{0}")
    @EnumSource(CongestionControl.class)
    void tamperedCiphertextIsDroppedAndTheTransportRecovers(CongestionControl controller) throws Exception {
        PilotNode a = nodes.start(b -> b.transportConfig(TransportConfig.builder().congestionControl(controller).build()));
        PilotNode b = nodes.start(n -> n.transportConfig(TransportConfig.builder().congestionControl(controller).build()));
        b.listen(50, MessageHandler.of(in -> Message.of(TransferTests.sha256(in.message().body()))));
        AtomicInteger tampered = new AtomicInteger();
        Random random = new Random(11);
        // The first datagram above the base size (a path MTU probe) is cut by b's receive slots and dropped whole
        // as TRUNCATED before anything could authenticate it (docs/PROTOCOL.md §1): it is left alone.
        AtomicBoolean largeSeen = new AtomicBoolean();
        AtomicBoolean tampering = new AtomicBoolean(true);
        try (UdpForwarder mitm = new UdpForwarder(b.localEndpoint(), datagram -> {
            boolean firstLarge = datagram.length > WireFormat.MAX_FORWARD_DATAGRAM && !largeSeen.getAndSet(true);
            if (tampering.get() && datagram[0] == WireFormat.TYPE_DATA && datagram.length > 40 && !firstLarge
                    && random.nextInt(10) == 0) {
                datagram[WireFormat.DATA_HEADER_LENGTH + random.nextInt(datagram.length - WireFormat.DATA_HEADER_LENGTH)] ^= 0x40;
                tampered.incrementAndGet();
            }
            return datagram;
        })) {
            a.connect(b.publicKey(), mitm.address()).join();
            kernelDropsBefore = udpReceiveBufferErrors();
            byte[] payload = new byte[1 << 20];
            random.nextBytes(payload);
            Message reply = a.request(new PilotSocketAddress(b.address(), 50), Message.of(payload)).get(60, TimeUnit.SECONDS);
            assertThat(reply.bodyAsString()).isEqualTo(TransferTests.sha256(payload));
            // The forwarder stays open while b's count settles: closed at once, it could count a datagram it had just
            // tampered with and then fail to send it (seen once in CI: 26 of 27). It tampers with nothing more.
            tampering.set(false);
            assertThat(tampered.get()).isPositive();
            // A datagram tampered with as the reply left (a's ACK of an earlier reply packet, say) may still be on its
            // way to b when a has its reply (seen once in CI: 32 of 33 counted at that instant). Every tampered
            // datagram b read is dropped as BAD_TAG, and nothing else is; but on a loaded machine the kernel may drop a
            // datagram from a full socket buffer before b reads it (seen once in CI: 22 of 23), which the machine's UDP
            // receive-buffer errors count (all sockets of this network namespace, so an upper bound on b's).
            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
                long badTags = b.stats().dropped(DropReason.BAD_TAG);
                long lostInTheKernel = udpReceiveBufferErrors() - kernelDropsBefore;
                assertThat(badTags).as("tampered %d, lost in the kernel at most %d", tampered.get(), lostInTheKernel)
                        .isLessThanOrEqualTo(tampered.get())
                        .isGreaterThanOrEqualTo(tampered.get() - lostInTheKernel);
            });
        }
    }

    private long kernelDropsBefore;

    /** RcvbufErrors of /proc/net/snmp's Udp line: datagrams the kernel dropped because a socket's buffer was full. */
    private static long udpReceiveBufferErrors() throws IOException {
        List<String> udp = Files.readAllLines(Path.of("/proc/net/snmp")).stream()
                .filter(line -> line.startsWith("Udp: ")).toList();
        List<String> names = List.of(udp.get(0).split(" "));
        return Long.parseLong(udp.get(1).split(" ")[names.indexOf("RcvbufErrors")]);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CongestionControl.class)
    void replayedDatagramsAreDroppedAndMessagesArriveOnce(CongestionControl controller) throws Exception {
        PilotNode a = nodes.start(b -> b.transportConfig(TransportConfig.builder().congestionControl(controller).build()));
        PilotNode b = nodes.start(n -> n.transportConfig(TransportConfig.builder().congestionControl(controller).build()));
        AtomicInteger handled = new AtomicInteger();
        b.listen(51, MessageHandler.of(in -> {
            handled.incrementAndGet();
            return Message.of("ok");
        }));
        List<byte[]> captured = new CopyOnWriteArrayList<>();
        try (UdpForwarder recorder = new UdpForwarder(b.localEndpoint(), datagram -> {
            if (datagram[0] == WireFormat.TYPE_DATA) {
                captured.add(datagram.clone());
            }
            return datagram;
        })) {
            a.connect(b.publicKey(), recorder.address()).join();
            for (int i = 0; i < 20; i++) {
                a.request(new PilotSocketAddress(b.address(), 51), Message.of("once " + i)).join();
            }
            // a may still send an acknowledgement after this point; replay only what was already delivered.
            List<byte[]> replay = List.copyOf(captured);
            for (byte[] old : replay) {
                recorder.inject(old);
            }
            await().atMost(5, TimeUnit.SECONDS).untilAsserted(
                    () -> assertThat(b.stats().drops()).containsEntry(DropReason.REPLAYED, (long) replay.size()));
            assertThat(a.request(new PilotSocketAddress(b.address(), 51), Message.of("after")).join().bodyAsString()).isEqualTo("ok");
        }
        assertThat(handled.get()).isEqualTo(21);
    }

    @Test
    void aPeerWithAnotherKeyThanExpectedIsRefused() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        PilotNode c = nodes.start();
        // a expects c's key but the node at that endpoint is b.
        assertThatThrownBy(() -> a.connect(c.publicKey(), b.localEndpoint()).join())
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE))
                .hasMessageContaining("presented key " + b.publicKey()).hasMessageContaining("expected " + c.publicKey());
        assertThat(a.stats().dropped(DropReason.UNEXPECTED_KEY)).isEqualTo(1);
        // a still reaches b under its own key.
        assertThat(a.connect(b.publicKey(), b.localEndpoint()).join().key()).isEqualTo(b.publicKey());
    }

    @Test
    void aKeyWhoseAddressDoesNotMatchIsRefused() {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        PilotNode c = nodes.start();
        assertThatThrownBy(() -> a.connect(c.address(), b.localEndpoint()).join())
                .isInstanceOf(CompletionException.class).cause()
                .hasMessageContaining("belongs to address " + b.address()).hasMessageContaining("expected " + c.address());
        assertThat(a.stats().dropped(DropReason.UNEXPECTED_KEY)).isEqualTo(1);
        assertThat(a.peer(c.address()).orElseThrow().key()).isNull();
    }

    @Test
    void truncatedAndRandomDatagramsAreCountedWhileRealPeersAreServed() throws Exception {
        PilotNode a = nodes.start();
        PilotNode b = nodes.start();
        b.listen(52, MessageHandler.of(in -> in.message()));
        a.connect(b.publicKey(), b.localEndpoint()).join();
        Random random = new Random(13);
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            for (int i = 0; i < 5000; i++) {
                byte[] junk = new byte[random.nextInt(1300)];
                random.nextBytes(junk);
                if (i % 3 == 0 && junk.length > 0) {
                    junk[0] = (byte) WireFormat.TYPE_DATA; // pass the header checks, fail authentication
                    if (junk.length > 1) {
                        junk[1] = WireFormat.VERSION;
                    }
                    if (junk.length > 3) {
                        junk[2] = 0;
                        junk[3] = 0;
                    }
                }
                attacker.send(new DatagramPacket(junk, junk.length, b.localEndpoint()));
                if (i % 500 == 0) {
                    assertThat(a.request(new PilotSocketAddress(b.address(), 52), Message.of("still here " + i))
                            .get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("still here " + i);
                }
            }
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> b.stats().drops().values().stream().mapToLong(Long::longValue).sum() >= 5000);
        assertThat(b.stats().drops()).containsKeys(DropReason.TRUNCATED, DropReason.UNKNOWN_TYPE, DropReason.UNKNOWN_SESSION);
        assertThat(b.stats().peers()).isEqualTo(1);
    }

    @Test
    void handshakeFloodIsAskedForCookiesBoundedAndRealPeersStillConnect() throws Exception {
        PilotNode b = nodes.start(x -> x.sessionSettings(SessionSettings.DEFAULTS.withHandshakeLimits(50, 500, 256)));
        b.listen(53, MessageHandler.of(in -> Message.of("served")));
        Random random = new Random(17);
        int flood = 20_000;
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.66", 0))) {
            for (int i = 0; i < flood; i++) {
                attacker.send(new DatagramPacket(initiation(random), WireFormat.HANDSHAKE_INIT_LENGTH, b.localEndpoint()));
            }
        }
        // The kernel may drop part of the burst before the node sees it; of what arrives, all but the
        // source's burst allowance (100) is answered with a cookie before any cryptography.
        await().atMost(10, TimeUnit.SECONDS).until(() -> b.stats().dropped(DropReason.COOKIE_REQUIRED) > 1000);
        assertThat(b.stats().pendingHandshakes()).isLessThanOrEqualTo(256);
        PilotNode a = nodes.start();
        a.connect(b.publicKey(), b.localEndpoint()).join();
        assertThat(a.request(new PilotSocketAddress(b.address(), 53), Message.empty()).join().bodyAsString()).isEqualTo("served");
    }

    @Test
    void underLoadInitiationsNeedACookieAndRealPeersGetOne() throws Exception {
        // A tiny cookie threshold puts b "under load" after five initiations a second.
        PilotNode b = nodes.start(x -> x.sessionSettings(SessionSettings.DEFAULTS.withHandshakeLimits(1000, 5, 4096)));
        b.listen(54, MessageHandler.of(in -> Message.of("served")));
        Random random = new Random(19);
        try (DatagramSocket spoofer = new DatagramSocket(new InetSocketAddress("127.0.0.77", 0))) {
            for (int i = 0; i < 50; i++) {
                spoofer.send(new DatagramPacket(initiation(random), WireFormat.HANDSHAKE_INIT_LENGTH, b.localEndpoint()));
            }
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> b.stats().dropped(DropReason.COOKIE_REQUIRED) >= 45);
        int pendingAfterFlood = b.stats().pendingHandshakes();
        assertThat(pendingAfterFlood).isLessThanOrEqualTo(5);
        PilotNode a = nodes.start();
        a.connect(b.publicKey(), b.localEndpoint()).join();
        assertThat(a.request(new PilotSocketAddress(b.address(), 54), Message.empty()).join().bodyAsString()).isEqualTo("served");
    }

    private static byte[] initiation(Random random) {
        byte[] ephemeral = new byte[32];
        random.nextBytes(ephemeral);
        return ByteBuffer.allocate(WireFormat.HANDSHAKE_INIT_LENGTH).put((byte) WireFormat.TYPE_HANDSHAKE_INIT)
                .put((byte) WireFormat.VERSION).putShort((short) 0).putInt(random.nextInt()).put(ephemeral).array();
    }
}
