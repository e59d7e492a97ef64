package io.pilot.engine.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.UdpForwarder;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.crypto.X25519KeyPair;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.noise.HandshakeState;
import io.pilot.engine.session.IdentityProof;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.WireFormat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attacks on the handshake over real sockets on loopback: floods of initiations, initiations spoofing a
 * victim's address, forged relayed datagrams, forged final messages and a replayed identity proof. In each
 * the victim node keeps serving a legitimate peer and its half-open handshake table stays bounded.
 */
class HandshakeAttackTests {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** What the default limits let the half-open table hold before every initiation needs a cookie. */
    private static final int CROWDED = SessionSettings.DEFAULTS.maxPendingHandshakes() / 8;

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void aFloodFromTenAddressesIsAskedForCookiesAndNeverBlocksALegitimatePeer() throws Exception {
        PilotNode victim = nodes.start();
        victim.listen(60, MessageHandler.of(in -> Message.of("served")));
        List<DatagramSocket> sources = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sources.add(new DatagramSocket(new InetSocketAddress("127.0.0." + (10 + i), 0)));
        }
        // ~500 INITs a second (one per source every 20 ms) for three seconds: the rate that used to fill the
        // table without a cookie ever being asked.
        AtomicInteger rounds = new AtomicInteger();
        Thread flood = new Thread(() -> {
            Random random = new Random(23);
            try {
                for (int round = 0; round < 150; round++) {
                    for (DatagramSocket source : sources) {
                        source.send(new DatagramPacket(initiation(random), WireFormat.HANDSHAKE_INIT_LENGTH,
                                victim.localEndpoint()));
                    }
                    rounds.incrementAndGet();
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        flood.start();
        try {
            await().atMost(10, TimeUnit.SECONDS).until(() -> rounds.get() >= 75);
            PilotNode legitimate = nodes.start();
            legitimate.connect(victim.publicKey(), victim.localEndpoint()).get(10, TimeUnit.SECONDS);
            assertThat(legitimate.request(new PilotSocketAddress(victim.address(), 60), Message.empty())
                    .get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("served");
            flood.join();
        } finally {
            flood.join();
            sources.forEach(DatagramSocket::close);
        }
        assertThat(victim.stats().dropped(DropReason.COOKIE_REQUIRED)).as("cookies were asked").isPositive();
        assertThat(victim.stats().pendingHandshakes()).as("the half-open table stays near its crowded mark")
                .isLessThanOrEqualTo(CROWDED + 1);
    }

    @Test
    void initiationsSpoofingAVictimsAddressDoNotLockTheVictimOut() throws Exception {
        PilotNode server = nodes.start();
        server.listen(61, MessageHandler.of(in -> Message.of("served")));
        // The victim gives up after 2 s, inside the 3 s of spoofed initiations from its address.
        PilotNode victim = nodes.start(b -> b.bindAddress("127.0.0.50", 0)
                .sessionSettings(SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(2))));
        AtomicInteger sent = new AtomicInteger();
        // Another port on the victim's address stands in for a spoofer: it sends from the victim's IP and
        // never sees the cookies meant for the victim's own port. Evenly paced at ~2000 a second for 3 s, so
        // whatever its address's budget earns goes to the spoofer.
        try (DatagramSocket spoofer = new DatagramSocket(new InetSocketAddress("127.0.0.50", 0))) {
            Thread flood = new Thread(() -> {
                Random random = new Random(29);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                try {
                    while (System.nanoTime() < end) {
                        spoofer.send(new DatagramPacket(initiation(random), WireFormat.HANDSHAKE_INIT_LENGTH,
                                server.localEndpoint()));
                        sent.incrementAndGet();
                        LockSupport.parkNanos(500_000);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            flood.start();
            try {
                await().atMost(10, TimeUnit.SECONDS).until(() -> sent.get() >= 500);
                victim.connect(server.publicKey(), server.localEndpoint()).get(10, TimeUnit.SECONDS);
                assertThat(victim.request(new PilotSocketAddress(server.address(), 61), Message.empty())
                        .get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("served");
                assertThat(flood.isAlive()).as("the spoofing still ran when the victim got through").isTrue();
            } finally {
                flood.join();
            }
        }
        assertThat(server.stats().dropped(DropReason.COOKIE_REQUIRED)).isPositive();
        assertThat(server.stats().pendingHandshakes()).isLessThanOrEqualTo(CROWDED + 1);
    }

    @Test
    void forgedRelayedInitiationsAreBoundedAndCountedAndALegitimatePeerIsServed() throws Exception {
        PilotNode victim = nodes.start();
        victim.listen(62, MessageHandler.of(in -> Message.of("served")));
        try (DatagramSocket fakeRelay = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            // The victim's relay is at an endpoint the attacker sends from: what an off-path attacker spoofing
            // the backbone's well-known address achieves.
            PilotAddress relayAddress = TestNodes.newIdentity().publicKey().address(0);
            victim.useRelay((InetSocketAddress) fakeRelay.getLocalSocketAddress(), relayAddress);
            victim.stats(); // the relay is set on the loop before anything below arrives there
            Random random = new Random(31);
            // ~2500 a second, each from another claimed source, until a thousand were refused (the kernel may
            // drop some before the node reads them), at most 10 000.
            int forged = 0;
            while (refusedInitiations(victim) < 1000 && forged < 10_000) {
                for (int i = 0; i < 50; i++, forged++) {
                    PilotAddress claimed = new PilotAddress(0, random.nextLong() & 0xFFFF_FFFF_FFFFL);
                    byte[] relayed = relayed(claimed, initiation(random));
                    fakeRelay.send(new DatagramPacket(relayed, relayed.length, victim.localEndpoint()));
                }
                Thread.sleep(20);
            }
            assertThat(refusedInitiations(victim)).as("forged relayed initiations are refused and counted")
                    .isGreaterThanOrEqualTo(1000);
            assertThat(victim.stats().pendingHandshakes()).as("relayed half-open handshakes are capped")
                    .isLessThanOrEqualTo(CROWDED);
            PilotNode legitimate = nodes.start();
            legitimate.connect(victim.publicKey(), victim.localEndpoint()).get(10, TimeUnit.SECONDS);
            assertThat(legitimate.request(new PilotSocketAddress(victim.address(), 62), Message.empty())
                    .get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("served");
        }
    }

    @Test
    void forgedFinalsAtAResponderIndexTriggerNoConfirmations() throws Exception {
        PilotNode initiator = nodes.start();
        PilotNode responder = nodes.start();
        responder.listen(63, MessageHandler.of(in -> Message.of("served")));
        AtomicInteger responderIndex = new AtomicInteger();
        AtomicInteger confirmations = new AtomicInteger();
        try (UdpForwarder link = new UdpForwarder(responder.localEndpoint(), datagram -> {
            if (datagram[0] == WireFormat.TYPE_DATA) {
                responderIndex.set(ByteBuffer.wrap(datagram, 4, 4).getInt()); // in clear in every DATA
            }
            return datagram;
        }, answer -> {
            if (answer[0] == WireFormat.TYPE_DATA && answer.length == WireFormat.DATA_HEADER_LENGTH + 6 + WireFormat.TAG_LENGTH) {
                confirmations.incrementAndGet();
            }
            return answer;
        })) {
            initiator.connect(responder.publicKey(), link.address()).get(10, TimeUnit.SECONDS);
            assertThat(initiator.request(new PilotSocketAddress(responder.address(), 63), Message.empty())
                    .get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("served");
            int before = confirmations.get();
            assertThat(before).as("the handshake's own confirmation").isOne();
            long failedBefore = responder.stats().dropped(DropReason.HANDSHAKE_FAILED);
            int forged = 1000;
            Random random = new Random(37);
            try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                for (int i = 0; i < forged; i++) {
                    byte[] noise = new byte[172];
                    random.nextBytes(noise);
                    byte[] fin = ByteBuffer.allocate(8 + noise.length).put((byte) WireFormat.TYPE_HANDSHAKE_FINAL)
                            .put((byte) WireFormat.VERSION).putShort((short) 0).putInt(responderIndex.get()).put(noise).array();
                    attacker.send(new DatagramPacket(fin, fin.length, responder.localEndpoint()));
                    if (i % 100 == 99) {
                        Thread.sleep(5);
                    }
                }
            }
            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(
                    responder.stats().dropped(DropReason.HANDSHAKE_FAILED) - failedBefore).isEqualTo(forged));
            // The session still works, and no forged FINAL made the responder confirm again.
            assertThat(initiator.request(new PilotSocketAddress(responder.address(), 63), Message.empty())
                    .get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("served");
            assertThat(confirmations.get()).isEqualTo(before);
        }
    }

    @Test
    void anIdentityProofReplayedIntoAnotherHandshakeIsRefused() throws Exception {
        PilotNode witness = nodes.start();
        PilotNode target = nodes.start();
        // The victim's node key signs; its Noise static key has been stolen (the attacker holds it).
        Identity victim = TestNodes.newIdentity();
        X25519KeyPair stolenStatic = X25519KeyPair.generate(RANDOM);
        long bootId = RANDOM.nextLong();
        PilotAddress victimAddress = victim.publicKey().address(0);

        // A genuine handshake by the victim with the witness, whose proof a peer of the victim captures.
        byte[][] captured = new byte[1][];
        try (RawInitiator genuine = new RawInitiator(stolenStatic)) {
            genuine.handshake(witness.localEndpoint(), hash -> {
                captured[0] = payload(IdentityProof.create(victim, 0, bootId, stolenStatic.publicKey(), hash));
                return captured[0];
            });
            assertThat(genuine.receivedConfirmation()).as("the genuine handshake is accepted").isTrue();
        }
        assertThat(witness.peer(victimAddress)).isPresent();

        // The attacker, with the stolen static key, replays that proof into its own handshake with the target.
        try (RawInitiator attacker = new RawInitiator(stolenStatic)) {
            attacker.handshake(target.localEndpoint(), hash -> captured[0]);
            await().atMost(5, TimeUnit.SECONDS).untilAsserted(() ->
                    assertThat(target.stats().dropped(DropReason.BAD_IDENTITY_SIGNATURE)).isOne());
        }
        assertThat(target.peer(victimAddress)).isEmpty();
        assertThat(target.stats().handshakesCompleted()).isZero();
    }

    private static long refusedInitiations(PilotNode node) {
        return node.stats().dropped(DropReason.COOKIE_REQUIRED) + node.stats().dropped(DropReason.HANDSHAKE_TABLE_FULL)
                + node.stats().dropped(DropReason.RATE_LIMITED);
    }

    private static byte[] payload(IdentityProof proof) {
        byte[] encoded = proof.encode();
        byte[] payload = Arrays.copyOf(encoded, encoded.length + 1 + 6); // flags, then connection number 0 (u48)
        payload[encoded.length] = 1; // FRESH_CONNECTION
        return payload;
    }

    private static byte[] initiation(Random random) {
        byte[] ephemeral = new byte[32];
        random.nextBytes(ephemeral);
        return ByteBuffer.allocate(WireFormat.HANDSHAKE_INIT_LENGTH).put((byte) WireFormat.TYPE_HANDSHAKE_INIT)
                .put((byte) WireFormat.VERSION).putShort((short) 0).putInt(random.nextInt()).put(ephemeral).array();
    }

    private static byte[] relayed(PilotAddress source, byte[] datagram) {
        return ByteBuffer.allocate(WireFormat.RELAY_HEADER_LENGTH + datagram.length).put((byte) WireFormat.TYPE_RELAYED)
                .put((byte) WireFormat.VERSION).putShort((short) 0).putShort((short) source.realm())
                .putShort((short) (source.node() >>> 32)).putInt((int) source.node()).put(datagram).array();
    }

    /** The payload an initiator signs into its final message, given the handshake hash at that point. */
    private interface PayloadForHash {
        byte[] payload(byte[] handshakeHash);
    }

    /** A Noise XX initiator written from PROTOCOL.md over a plain UDP socket: INIT, RESPONSE, FINAL. */
    private static final class RawInitiator implements AutoCloseable {

        private final DatagramSocket socket;
        private final HandshakeState noise;
        private final int index = RANDOM.nextInt();

        RawInitiator(X25519KeyPair staticKey) throws Exception {
            this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            this.socket.setSoTimeout(5000);
            this.noise = new HandshakeState(true, WireFormat.PROLOGUE, staticKey);
        }

        void handshake(InetSocketAddress target, PayloadForHash payload) throws Exception {
            byte[] first = noise.writeMessage(new byte[0]);
            byte[] init = ByteBuffer.allocate(WireFormat.HANDSHAKE_INIT_LENGTH).put((byte) WireFormat.TYPE_HANDSHAKE_INIT)
                    .put((byte) WireFormat.VERSION).putShort((short) 0).putInt(index).put(first).array();
            socket.send(new DatagramPacket(init, init.length, target));
            DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
            socket.receive(answer);
            ByteBuffer response = ByteBuffer.wrap(answer.getData(), 0, answer.getLength());
            assertThat(response.get()).isEqualTo((byte) WireFormat.TYPE_HANDSHAKE_RESPONSE);
            response.position(4);
            int responderIndex = response.getInt();
            assertThat(response.getInt()).isEqualTo(index);
            byte[] second = new byte[response.remaining()];
            response.get(second);
            noise.readMessage(second);
            byte[] third = noise.writeMessage(payload::payload);
            byte[] fin = ByteBuffer.allocate(8 + third.length).put((byte) WireFormat.TYPE_HANDSHAKE_FINAL)
                    .put((byte) WireFormat.VERSION).putShort((short) 0).putInt(responderIndex).put(third).array();
            socket.send(new DatagramPacket(fin, fin.length, target));
        }

        /** Whether the responder answered the FINAL with its confirmation (a six-byte connection number). */
        boolean receivedConfirmation() throws Exception {
            DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
            socket.receive(answer);
            return answer.getData()[0] == WireFormat.TYPE_DATA
                    && answer.getLength() == WireFormat.DATA_HEADER_LENGTH + 6 + WireFormat.TAG_LENGTH;
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
