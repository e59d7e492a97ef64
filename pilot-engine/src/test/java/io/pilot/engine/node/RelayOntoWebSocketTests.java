package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PeerContact;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.SlowTcpLink;
import io.pilot.engine.TestNodes;
import io.pilot.engine.UdpForwarder;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.session.PathSettings;
import io.pilot.engine.wire.DropReason;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node relayed through its backbone whose UDP to the backbone goes silent mid-conversation moves to the backbone's
 * WebSocket, and the relay datagrams UDP left unanswered follow once the backbone has answered there: none reaches it
 * before the move of the node's path, to be dropped as not allowed (PROTOCOL.md §4.11); nor do those sent while the
 * backbone's answer is on its way.
 */
class RelayOntoWebSocketTests {

    private static final int PORT = 90;
    private static final PathSettings RELAYED = new PathSettings(true, Duration.ofMillis(300), Duration.ofHours(1));

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    /**
     * The backbone's answers on the new WebSocket come 300 ms late (a slow way back): requests made meanwhile, which
     * UDP never carried, wait behind its path challenge too, or they would reach it before the node's path moved.
     */
    @Test
    void relayDatagramsSentWhileTheBackbonesAnswerIsOnItsWayWaitForIt() throws Exception {
        PilotNode relay = nodes.start(b -> b.answerStun(true));
        relay.serveAsRelay(true);
        AtomicBoolean udpOpen = new AtomicBoolean(true);
        try (UdpForwarder udp = new UdpForwarder(relay.localEndpoint(), d -> udpOpen.get() ? d : null,
                d -> udpOpen.get() ? d : null)) {
            InetSocketAddress backbone = udp.address();
            InetSocketAddress webSocket = relay.listenWebSocket(List.of(new InetSocketAddress("127.0.0.1", 0)), null, 16)
                    .get(0);
            try (SlowTcpLink slow = new SlowTcpLink(new InetSocketAddress("127.0.0.1", backbone.getPort()), webSocket,
                    Duration.ofMillis(300))) {
                PilotNode client = relayedClient(relay, backbone);
                PilotNode server = relayedServer(relay);
                connectRelayed(client, server);
                assertThat(call(client, server, "over UDP").get(10, TimeUnit.SECONDS)).isEqualTo("echo over UDP");

                // UDP goes silent; a request every 50 ms goes on until well after the move, so some are made while
                // the backbone's answer on the WebSocket is on its way.
                udpOpen.set(false);
                ConcurrentLinkedQueue<CompletableFuture<String>> calls = new ConcurrentLinkedQueue<>();
                long movedAt = 0;
                for (int i = 0; movedAt == 0 || System.nanoTime() - movedAt < TimeUnit.SECONDS.toNanos(1); i++) {
                    assertThat(i).as("calls before the move to the WebSocket").isLessThan(600);
                    calls.add(call(client, server, "call " + i));
                    Thread.sleep(50);
                    if (movedAt == 0 && "tcp".equals(client.bearers().backbone())) {
                        movedAt = System.nanoTime();
                    }
                }
                for (CompletableFuture<String> call : calls) {
                    assertThat(call.get(30, TimeUnit.SECONDS)).startsWith("echo call ");
                }
                assertThat(relay.stats().dropped(DropReason.NOT_ALLOWED))
                        .as("relay datagrams that reached the backbone before the client's path had moved").isZero();
            }
        }
    }

    @Test
    void relayDatagramsUdpLeftUnansweredFollowTheBackbonesAnswerOnTheWebSocket() throws Exception {
        PilotNode relay = nodes.start(b -> b.answerStun(true));
        relay.serveAsRelay(true);
        AtomicBoolean udpOpen = new AtomicBoolean(true);
        // The client's way to the backbone's UDP port, cut in both directions at will; the backbone's WebSocket
        // listens on the same port number, over TCP, where the client looks for it once UDP goes silent.
        try (UdpForwarder udp = new UdpForwarder(relay.localEndpoint(), d -> udpOpen.get() ? d : null,
                d -> udpOpen.get() ? d : null)) {
            InetSocketAddress backbone = udp.address();
            relay.listenWebSocket(List.of(new InetSocketAddress("127.0.0.1", backbone.getPort())), null, 16);
            PilotNode client = relayedClient(relay, backbone);
            PilotNode server = relayedServer(relay);
            connectRelayed(client, server);
            assertThat(call(client, server, "over UDP").get(10, TimeUnit.SECONDS)).isEqualTo("echo over UDP");

            // UDP goes silent with requests on their way through the relay: they go unanswered, and are retried.
            udpOpen.set(false);
            ConcurrentLinkedQueue<CompletableFuture<String>> calls = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < 5; i++) {
                calls.add(call(client, server, "call " + i));
                Thread.sleep(200);
            }
            await().atMost(30, TimeUnit.SECONDS).until(() -> "tcp".equals(client.bearers().backbone()));
            for (CompletableFuture<String> call : calls) {
                assertThat(call.get(30, TimeUnit.SECONDS)).startsWith("echo call ");
            }
            assertThat(call(client, server, "over WebSocket").get(10, TimeUnit.SECONDS)).isEqualTo("echo over WebSocket");
            assertThat(relay.bearers().listener().datagramsIn()).as("the client's leg is the WebSocket").isPositive();
            assertThat(relay.stats().dropped(DropReason.NOT_ALLOWED))
                    .as("relay datagrams that reached the backbone before the client's path had moved").isZero();
        }
    }

    /** A node that reaches {@code relay}, its backbone, at {@code backbone} and has it relay for it. */
    private PilotNode relayedClient(PilotNode relay, InetSocketAddress backbone) throws Exception {
        PilotNode client = nodes.start(b -> b.pathSettings(RELAYED));
        client.reachBackbone(backbone, null);
        client.connect(relay.publicKey(), backbone).get(30, TimeUnit.SECONDS);
        client.useRelay(backbone, relay.address());
        return client;
    }

    /** A node reachable only through {@code relay}, echoing on {@link #PORT}. */
    private PilotNode relayedServer(PilotNode relay) throws Exception {
        PilotNode server = nodes.start(b -> b.pathSettings(RELAYED));
        server.connect(relay.publicKey(), relay.localEndpoint()).get(30, TimeUnit.SECONDS);
        server.useRelay(relay.localEndpoint(), relay.address());
        server.listen(PORT, MessageHandler.of(in -> Message.of("echo " + in.message().bodyAsString())));
        return server;
    }

    /** Connects {@code client} to {@code server} through their relay: the server's own endpoint drops everything. */
    private static void connectRelayed(PilotNode client, PilotNode server) throws Exception {
        try (UdpForwarder blocked = new UdpForwarder(server.localEndpoint(), d -> null)) {
            PeerInfo peer = client.connect(new PeerContact(server.publicKey(), List.of(blocked.address())))
                    .get(10, TimeUnit.SECONDS);
            assertThat(peer.relayed()).isTrue();
        }
    }

    private static CompletableFuture<String> call(PilotNode from, PilotNode to, String text) {
        return from.request(new PilotSocketAddress(to.address(), PORT), Message.of(text.getBytes(StandardCharsets.UTF_8)))
                .thenApply(Message::bodyAsString);
    }
}
