package io.pilot.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.SessionListener;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.wire.CookieReply;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.HandshakeResponse;
import io.pilot.engine.wire.WireCodec;
import io.pilot.engine.wire.WireFormat;
import io.pilot.engine.wire.WirePacket;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The initiator side of the handshake against a real responder, a {@code PilotNode} on loopback, one datagram at a
 * time: the responder establishes a session with this peer, the keys open its confirmation and seal what it opens;
 * an answer from any node but the one asked for, or from another realm, is refused before a FINAL exists.
 */
class InitiatorHandshakeTests {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int TIMEOUT_MILLIS = 10_000;

    private final Set<PilotAddress> established = ConcurrentHashMap.newKeySet();
    private final Set<PilotAddress> closed = ConcurrentHashMap.newKeySet();
    private PilotNode responder;
    private DatagramSocket socket;

    @BeforeEach
    void start() throws IOException {
        responder = PilotPair.node().build().start();
        responder.addSessionListener(new SessionListener() {
            @Override
            public void sessionEstablished(PeerInfo peer, boolean newConnection) {
                established.add(peer.address());
            }

            @Override
            public void sessionClosed(PeerInfo peer, String reason) {
                closed.add(peer.address());
            }
        });
        socket = new DatagramSocket(new InetSocketAddress(responder.localEndpoint().getAddress(), 0));
        socket.setSoTimeout(TIMEOUT_MILLIS);
    }

    @AfterEach
    void stop() {
        socket.close();
        responder.close();
    }

    @Test
    void aHandshakeWithTheNodeAskedForCompletesAndItsKeysCarryTheSessionBothWays() throws Exception {
        Identity identity = Identity.generate(RANDOM);
        int realm = responder.address().realm();

        InitiatorHandshake.Answer answer = complete(InitiatorHandshake.toNode(responder.publicKey(), identity, realm, RANDOM));

        assertThat(answer.responderKey()).isEqualTo(responder.publicKey().toBytes());
        PilotAddress self = identity.publicKey().address(realm);
        awaitContains(established, self);
        // What the keys seal, the responder opens: a transport CLOSE under them ends its session with this peer.
        long now = System.nanoTime();
        Connection goodbye = new Connection(TransportConfig.defaults(), true, stream -> stream.reset(0), now);
        goodbye.close(0, "test done");
        ByteBuffer close = ByteBuffer.allocate(WireFormat.MAX_DATA_PLAINTEXT);
        assertThat(goodbye.poll(now, close)).isPositive();
        send(answer.keys().seal(close.flip()));
        awaitContains(closed, self);
    }

    @Test
    void aTrustingHandshakeCompletesWithWhicheverNodeAnswersAndNamesItsKey() throws Exception {
        InitiatorHandshake trusting = InitiatorHandshake.trustingTheResponder(Identity.generate(RANDOM),
                responder.address().realm(), RANDOM);

        assertThat(complete(trusting).responderKey()).isEqualTo(responder.publicKey().toBytes());
    }

    @Test
    void anAnswerFromAnotherNodeOrAnotherRealmIsRefusedBeforeAnyFinal() throws Exception {
        int realm = responder.address().realm();
        InitiatorHandshake toAnother = InitiatorHandshake.toNode(Identity.generate(RANDOM).publicKey(),
                Identity.generate(RANDOM), realm, RANDOM);
        InitiatorHandshake inAnotherRealm = InitiatorHandshake.toNode(responder.publicKey(), Identity.generate(RANDOM),
                realm + 1, RANDOM);

        for (InitiatorHandshake handshake : new InitiatorHandshake[] {toAnother, inAnotherRealm}) {
            send(handshake.start());
            HandshakeResponse response = next(HandshakeResponse.class);
            assertThat(handshake.answeredBy(response)).isTrue();

            assertThatThrownBy(() -> handshake.finish(response, true, 0)).isInstanceOf(InitiatorHandshake.Refused.class)
                    .hasMessageContaining("the responder did not prove it is node");
            assertThat(handshake.inProgress()).as("a refused handshake is over").isFalse();
        }
        assertThatThrownBy(() -> InitiatorHandshake.toNode(null, Identity.generate(RANDOM), realm, RANDOM))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPeerAskingForANewConnectionGetsOneOnlyIfItStatesTheNumberItHeld() throws Exception {
        InitiatorHandshake handshake = InitiatorHandshake.toNode(responder.publicKey(), Identity.generate(RANDOM),
                responder.address().realm(), RANDOM);
        long first = complete(handshake, 0).connectionNumber();

        long renewed = complete(handshake, first).connectionNumber();
        // A peer that forgot its number passes for a handshake that crossed the one which made the responder's
        // connection (docs/PROTOCOL.md §4.12): it is kept on that connection, which is why a LightSession states its own.
        long forgetful = complete(handshake, 0).connectionNumber();

        assertThat(first).isPositive();
        assertThat(renewed).as("the responder's connection is still open, yet the peer's is new").isEqualTo(first + 1);
        assertThat(forgetful).isEqualTo(renewed);
    }

    @Test
    void aResponderUnderLoadAsksForACookieAndTheInitCarryingItCompletes() throws Exception {
        // A half-open table of 8 (7 for direct INITs) is crowded from one pending handshake on, and then no INIT
        // without a valid cookie gets work (docs/PROTOCOL.md §4.10): one left half-open makes the responder loaded.
        responder.close();
        responder = PilotPair.node().sessionSettings(SessionSettings.DEFAULTS.withHandshakeLimits(50, 500, 8)).build()
                .start();
        InitiatorHandshake halfOpen = InitiatorHandshake.toNode(responder.publicKey(), Identity.generate(RANDOM),
                responder.address().realm(), RANDOM);
        send(halfOpen.start());
        assertThat(halfOpen.answeredBy(next(HandshakeResponse.class))).isTrue();
        InitiatorHandshake handshake = InitiatorHandshake.toNode(responder.publicKey(), Identity.generate(RANDOM),
                responder.address().realm(), RANDOM);
        byte[] first = handshake.start();
        send(first);
        CookieReply reply = next(CookieReply.class);
        assertThat(responder.stats().drops()).containsKey(DropReason.COOKIE_REQUIRED);

        byte[] cookied = handshake.withCookie(reply);
        assertThat(cookied).as("the same INIT, now carrying the cookie").hasSameSizeAs(first).isNotEqualTo(first);
        assertThat(handshake.withCookie(reply)).as("a repeated reply sends nothing again").isNull();
        assertThat(handshake.withCookie(new CookieReply(reply.receiverIndex() + 1, new byte[WireFormat.COOKIE_LENGTH])))
                .as("a reply to another INIT").isNull();
        send(cookied);
        HandshakeResponse response = next(HandshakeResponse.class);
        assertThat(handshake.answeredBy(response)).isTrue();
        InitiatorHandshake.Answer answer = handshake.finish(response, true, 0);
        send(answer.finalDatagram());
        DataPacket confirmation = next(DataPacket.class);
        try {
            assertThat(InitiatorKeys.isConfirmation(answer.keys().open(confirmation))).isTrue();
        } finally {
            confirmation.release();
        }
    }

    private InitiatorHandshake.Answer complete(InitiatorHandshake handshake) throws Exception {
        return complete(handshake, 0).answer();
    }

    private record Completed(InitiatorHandshake.Answer answer, long connectionNumber) {
    }

    /**
     * Runs {@code handshake} with the responder to its end, asking for a new connection and stating {@code stated} as
     * the one it held: INIT, RESPONSE, FINAL, and the responder's confirmation, which the new keys must open.
     */
    private Completed complete(InitiatorHandshake handshake, long stated) throws Exception {
        send(handshake.start());
        HandshakeResponse response = next(HandshakeResponse.class);
        assertThat(handshake.answeredBy(response)).isTrue();
        InitiatorHandshake.Answer answer = handshake.finish(response, true, stated);
        assertThat(handshake.inProgress()).isFalse();
        assertThat(handshake.answeredBy(response)).as("a repeated RESPONSE is no longer an answer").isFalse();
        send(answer.finalDatagram());
        DataPacket confirmation = next(DataPacket.class);
        try {
            ByteBuffer plaintext = answer.keys().open(confirmation);
            assertThat(InitiatorKeys.isConfirmation(plaintext)).isTrue();
            return new Completed(answer, InitiatorKeys.confirmedNumber(plaintext));
        } finally {
            confirmation.release();
        }
    }

    private void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, responder.localEndpoint()));
    }

    private void send(ByteBuffer datagram) throws IOException {
        send(Arrays.copyOfRange(datagram.array(), datagram.position(), datagram.limit()));
    }

    /** The next datagram from the responder that is a {@code type}, those before it skipped. */
    private <T extends WirePacket> T next(Class<T> type) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            DatagramPacket datagram = new DatagramPacket(new byte[65_536], 65_536);
            try {
                socket.receive(datagram);
            } catch (SocketTimeoutException e) {
                break;
            }
            WirePacket packet = WireCodec.decode(Unpooled.wrappedBuffer(datagram.getData(), 0, datagram.getLength())).packet();
            if (type.isInstance(packet)) {
                return type.cast(packet);
            }
            if (packet instanceof DataPacket other) {
                other.release();
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " from the responder within " + TIMEOUT_MILLIS + " ms");
    }

    private static void awaitContains(Set<PilotAddress> addresses, PilotAddress address) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (!addresses.contains(address) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(addresses).contains(address);
    }
}
