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
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.InboundPacket;
import io.pilot.engine.wire.WireCodec;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real session engine on an EmbeddedChannel, for tests that carry datagrams between engines by hand, each delivery
 * one read batch: it records each peer's stream bytes and connection end, and what it sent until delivered.
 */
final class EmbeddedNode {

    static final int REALM = 1;
    static final int PORT = 7;
    private static final SecureRandom RANDOM = new SecureRandom();


    final Identity identity = Identity.generate(RANDOM);
    final InetSocketAddress endpoint;
    final EmbeddedChannel channel = new EmbeddedChannel();
    final DropCounters drops = new DropCounters();
    final SessionEngine engine;
    final Map<PilotAddress, CloseReason> closed = new HashMap<>();
    final Map<PilotAddress, ByteArrayOutputStream> streams = new HashMap<>();
    /** Exceptions that escaped the engine at the end of a read batch. */
    final List<RuntimeException> escaped = new ArrayList<>();
    /** Datagrams this node sent that were not delivered yet. */
    final List<DatagramPacket> outbox = new ArrayList<>();

    EmbeddedNode(String host, UnaryOperator<SessionEngine.Sender> sendVia) {
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
                TransportConfig.defaults(), AccessPolicy.REALM_MEMBERS, events, drops, RANDOM,
                false, sendVia);
    }

    PilotAddress address() {
        return identity.publicKey().address(REALM);
    }

    void connectTo(EmbeddedNode other) {
        Peer peer = engine.addPeer(other.address(), other.identity.publicKey(), other.endpoint);
        engine.whenEstablished(peer, (p, error) -> assertThat(error).isNull());
    }

    Connection connectionTo(EmbeddedNode other) {
        return engine.peer(other.address()).connection();
    }

    /** Opens a stream to {@code other}, writes {@code text} on it and flushes it, as an application would. */
    void send(EmbeddedNode other, String text) {
        connectionTo(other).openStream(PORT).write(bytes(text));
        engine.flush(engine.peer(other.address()));
    }

    String received(EmbeddedNode from) {
        ByteArrayOutputStream bytes = streams.get(from.address());
        return bytes == null ? "" : bytes.toString(StandardCharsets.UTF_8);
    }

    /** Datagrams this node sent to {@code to} that were not delivered yet. */
    int pendingTo(EmbeddedNode to) {
        for (DatagramPacket sent; (sent = channel.readOutbound()) != null; ) {
            outbox.add(sent);
        }
        return (int) outbox.stream().filter(d -> d.recipient().equals(to.endpoint)).count();
    }

    /** One read batch: every datagram the {@code senders} sent this node, in their order, then the batch's end. */
    void readBatch(EmbeddedNode... senders) {
        readBatch(List.of(), senders);
    }

    /**
     * One read batch: {@code first} (datagrams from elsewhere, already decoded), then every datagram the
     * {@code senders} sent this node, in their order, then the batch's end.
     */
    void readBatch(List<InboundPacket> first, EmbeddedNode... senders) {
        first.forEach(engine::receive);
        for (EmbeddedNode sender : senders) {
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
        // Then, as a real loop after its reads, the tasks that have come due (a turn of INITs waiting): none while a
        // test holds the channel's clock still.
        channel.runPendingTasks();
    }

    /** Delivers every datagram in flight, each node's to each other node as one read batch, until none is left. */
    static void settle(List<EmbeddedNode> nodes) {
        for (int round = 0; round < 100; round++) {
            boolean moved = false;
            for (EmbeddedNode to : nodes) {
                for (EmbeddedNode from : nodes) {
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

    static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
