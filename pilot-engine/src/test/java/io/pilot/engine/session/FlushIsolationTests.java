package io.pilot.engine.session;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.transport.CloseReason;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.transport.ConnectionHandler;
import io.pilot.engine.transport.Stream;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.transport.TransportError;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.InboundPacket;
import io.pilot.engine.wire.WireCodec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One peer's failure while the session engine flushes a read batch stays with that peer (issue 12, H1): its
 * connection alone closes with {@code INTERNAL_ERROR}, the other peers of the same batch are still flushed,
 * and the next batch works. Three real session engines on EmbeddedChannels, with real handshakes and
 * connections; datagrams are carried between them by hand, each delivery being one read batch. Nothing
 * known makes a flush throw any more, so the engine under test sends through the
 * {@link SessionEngine.Sender} seam, which throws for the peers named in {@link #failing}.
 */
class FlushIsolationTests {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int REALM = 1;
    private static final int PORT = 7;

    private final Set<PilotAddress> failing = new HashSet<>();
    private final Node victim = new Node("10.0.0.1", real -> (peer, connection, keypair, now) -> {
        if (failing.contains(peer.address())) {
            throw new IllegalStateException("injected failure for " + peer.address());
        }
        return real.send(peer, connection, keypair, now);
    });
    private final Node alice = new Node("10.0.0.2", real -> real);
    private final Node bob = new Node("10.0.0.3", real -> real);
    private final List<Node> all = List.of(victim, alice, bob);

    @BeforeEach
    void bothPeersHaveASessionWithTheVictim() {
        alice.connectTo(victim);
        bob.connectTo(victim);
        settle();
        assertThat(victim.connectionTo(alice)).isNotNull();
        assertThat(victim.connectionTo(bob)).isNotNull();
    }

    @AfterEach
    void release() {
        for (Node node : all) {
            node.outbox.forEach(DatagramPacket::release);
            node.channel.finishAndReleaseAll();
        }
    }

    @Test
    void aFlushThatThrowsClosesThatPeersConnectionOnlyAndTheRestOfTheBatchAndTheNextAreFlushed() {
        // The victim has data queued for both peers; both send it a stream, read in one batch, alice's first.
        victim.connectionTo(alice).openStream(PORT).write(bytes("for alice"));
        victim.connectionTo(bob).openStream(PORT).write(bytes("for bob"));
        alice.send(victim, "from alice");
        bob.send(victim, "from bob");
        failing.add(alice.address());

        victim.readBatch(alice, bob);

        assertThat(victim.pendingTo(bob)).as("bob, after alice in the same batch, is still flushed").isPositive();
        assertThat(victim.pendingTo(alice)).as("nothing went to alice").isZero();
        assertThat(victim.escaped).as("the failure stayed inside the engine").isEmpty();
        CloseReason reason = victim.closed.get(alice.address());
        assertThat(reason).as("alice's connection closed").isNotNull();
        assertThat(reason.code()).isEqualTo(TransportError.INTERNAL_ERROR);
        assertThat(reason.message()).startsWith("internal error while sending: ")
                .contains("injected failure for " + alice.address());
        assertThat(reason.remote()).isFalse();
        assertThat(victim.engine.peer(alice.address()).connection()).as("forgotten: the next use starts a new one").isNull();
        assertThat(victim.closed).as("no other connection closed").containsOnlyKeys(alice.address());
        assertThat(victim.received(alice)).as("what alice sent was read before the flush failed").isEqualTo("from alice");
        assertThat(victim.received(bob)).isEqualTo("from bob");
        settle();
        assertThat(bob.received(victim)).isEqualTo("for bob");

        // The next batch: alice is no longer in the set to fail again, and bob's traffic flows both ways.
        victim.connectionTo(bob).openStream(PORT).write(bytes(" and more"));
        bob.send(victim, " and again");
        victim.readBatch(bob);

        assertThat(victim.pendingTo(bob)).as("the next batch flushes bob").isPositive();
        assertThat(victim.escaped).as("and does not fail again on alice").isEmpty();
        settle();
        assertThat(bob.received(victim)).isEqualTo("for bob and more");
        assertThat(victim.received(bob)).isEqualTo("from bob and again");
        assertThat(victim.closed).containsOnlyKeys(alice.address());
        assertThat(victim.connectionTo(bob).isClosed()).isFalse();
    }

    /** Delivers every datagram in flight, each node's to each other node as one read batch, until none is left. */
    private void settle() {
        for (int round = 0; round < 100; round++) {
            boolean moved = false;
            for (Node to : all) {
                for (Node from : all) {
                    if (from != to && from.pendingTo(to) > 0) {
                        to.readBatch(from);
                        moved = true;
                    }
                }
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the nodes never stopped sending");
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A session engine on an EmbeddedChannel that records each peer's stream bytes and connection end. */
    private static final class Node {

        final Identity identity = Identity.generate(RANDOM);
        final InetSocketAddress endpoint;
        final EmbeddedChannel channel = new EmbeddedChannel();
        final SessionEngine engine;
        final Map<PilotAddress, CloseReason> closed = new HashMap<>();
        final Map<PilotAddress, ByteArrayOutputStream> streams = new HashMap<>();
        /** Exceptions that escaped the engine at the end of a read batch. */
        final List<RuntimeException> escaped = new ArrayList<>();
        /** Datagrams this node sent that were not delivered yet. */
        final List<DatagramPacket> outbox = new ArrayList<>();

        Node(String host, UnaryOperator<SessionEngine.Sender> sendVia) {
            this.endpoint = new InetSocketAddress(host, 4000);
            SessionEvents events = new SessionEvents() {
                @Override
                public ConnectionHandler connectionHandler(Peer peer) {
                    return new ConnectionHandler() {
                        @Override
                        public void onStreamOpened(Stream stream) {
                            stream.setHandler((s, data) -> {
                                byte[] copy = new byte[data.remaining()];
                                data.get(copy);
                                streams.computeIfAbsent(peer.address(), a -> new ByteArrayOutputStream())
                                        .writeBytes(copy);
                            });
                        }

                        @Override
                        public void onClosed(CloseReason reason) {
                            closed.put(peer.address(), reason);
                        }
                    };
                }

                @Override
                public void established(Peer peer, boolean newConnection) {
                }
            };
            this.engine = new SessionEngine(channel, identity, REALM, SessionSettings.DEFAULTS,
                    TransportConfig.defaults(), AccessPolicy.REALM_MEMBERS, events, new DropCounters(), RANDOM,
                    false, sendVia);
        }

        PilotAddress address() {
            return identity.publicKey().address(REALM);
        }

        void connectTo(Node other) {
            Peer peer = engine.addPeer(other.address(), other.identity.publicKey(), other.endpoint);
            engine.whenEstablished(peer, (p, error) -> assertThat(error).isNull());
        }

        Connection connectionTo(Node other) {
            return engine.peer(other.address()).connection();
        }

        /** Opens a stream to {@code other}, writes {@code text} on it and flushes it, as an application would. */
        void send(Node other, String text) {
            connectionTo(other).openStream(PORT).write(bytes(text));
            engine.flush(engine.peer(other.address()));
        }

        String received(Node from) {
            ByteArrayOutputStream bytes = streams.get(from.address());
            return bytes == null ? "" : bytes.toString(StandardCharsets.UTF_8);
        }

        /** Datagrams this node sent to {@code to} that were not delivered yet. */
        int pendingTo(Node to) {
            for (DatagramPacket sent; (sent = channel.readOutbound()) != null; ) {
                outbox.add(sent);
            }
            return (int) outbox.stream().filter(d -> d.recipient().equals(to.endpoint)).count();
        }

        /** One read batch: every datagram the {@code senders} sent this node, in their order, then the batch's end. */
        void readBatch(Node... senders) {
            for (Node sender : senders) {
                sender.pendingTo(this);
                for (Iterator<DatagramPacket> it = sender.outbox.iterator(); it.hasNext(); ) {
                    DatagramPacket datagram = it.next();
                    if (!datagram.recipient().equals(endpoint)) {
                        continue;
                    }
                    it.remove();
                    try {
                        WireCodec.Result decoded = WireCodec.decode(datagram.content());
                        assertThat(decoded.packet()).as("a well-formed datagram").isNotNull();
                        engine.receive(new InboundPacket(decoded.packet(), sender.endpoint));
                    } finally {
                        datagram.release();
                    }
                }
            }
            try {
                engine.readComplete();
            } catch (RuntimeException e) {
                escaped.add(e); // a node's channel logs it and reads on (SessionInboundHandler)
            }
        }
    }
}
