package io.pilot.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.SessionListener;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.net.Impairment;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.transport.CongestionControl;
import io.pilot.engine.transport.TransportConfig;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Messages over a link that loses, reorders, duplicates and delays datagrams (in both directions of
 * one node's socket, handshakes included): every message is delivered exactly once, bytes identical,
 * and every transfer finishes.
 */
class ImpairedLinkTests {

    private static final CongestionControl DEFAULT = TransportConfig.defaults().congestionControl();

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    static List<Arguments> links() {
        List<Arguments> links = new ArrayList<>(List.of(
                Arguments.of("1% loss", Impairment.loss(0.01, 1), 2 << 20, DEFAULT),
                Arguments.of("5% loss", Impairment.loss(0.05, 2), 1 << 20, DEFAULT),
                Arguments.of("20% loss", Impairment.loss(0.20, 3), 256 << 10, DEFAULT),
                Arguments.of("reordering", new Impairment(0, 0, 0.25, Duration.ZERO, Duration.ofMillis(3), 4), 2 << 20, DEFAULT),
                Arguments.of("duplication", new Impairment(0, 0.2, 0, Duration.ZERO, Duration.ZERO, 5), 2 << 20, DEFAULT),
                Arguments.of("delay 20 ms", new Impairment(0, 0, 0, Duration.ofMillis(10), Duration.ZERO, 6), 2 << 20, DEFAULT),
                Arguments.of("all at once", new Impairment(0.05, 0.05, 0.1, Duration.ofMillis(2), Duration.ofMillis(4), 7), 1 << 20,
                        DEFAULT)));
        // The other controllers on the links that stress recovery most: loss, reordering, all at once.
        for (CongestionControl other : CongestionControl.values()) {
            if (other != DEFAULT) {
                links.add(Arguments.of("20% loss", Impairment.loss(0.20, 3), 256 << 10, other));
                links.add(Arguments.of("reordering", new Impairment(0, 0, 0.25, Duration.ZERO, Duration.ofMillis(3), 4),
                        2 << 20, other));
                links.add(Arguments.of("all at once", new Impairment(0.05, 0.05, 0.1, Duration.ofMillis(2),
                        Duration.ofMillis(4), 7), 1 << 20, other));
            }
        }
        return links;
    }

    @ParameterizedTest(name = "{0}, {3}")
    @MethodSource("links")
    void everyMessageExactlyOnceAndIntact(String name, Impairment impairment, int largeSize, CongestionControl controller)
            throws Exception {
        TransportConfig transport = TransportConfig.builder().congestionControl(controller).build();
        PilotNode a = nodes.start(x -> x.impairment(impairment).transportConfig(transport));
        PilotNode b = nodes.start(x -> x.transportConfig(transport));
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        b.listen(60, MessageHandler.of(in -> {
            deliveries.computeIfAbsent(in.message().header("id"), k -> new AtomicInteger()).incrementAndGet();
            return Message.of(TransferTests.sha256(in.message().body()));
        }));
        a.connect(b.publicKey(), b.localEndpoint()).get(30, TimeUnit.SECONDS);

        Random random = new Random(name.hashCode());
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            byte[] body = new byte[i == 0 ? largeSize : 1 + random.nextInt(16 * 1024)];
            random.nextBytes(body);
            expected.add(TransferTests.sha256(body));
            replies.add(a.request(new PilotSocketAddress(b.address(), 60), Message.of(body).with("id", "m" + i),
                    Duration.ofSeconds(120)));
        }
        for (int i = 0; i < replies.size(); i++) {
            assertThat(replies.get(i).get(150, TimeUnit.SECONDS).bodyAsString()).as("reply %d", i).isEqualTo(expected.get(i));
        }
        assertThat(deliveries).hasSize(101);
        assertThat(deliveries.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    }

    /**
     * 20 % loss and 20 ms each way on one node, requests from four callers at once: the connection both nodes
     * made at the start carries them all. A delayed datagram that came in must be answered when it comes in,
     * as a real socket's would: answered only at the next datagram read, it left the impaired node silent for
     * seconds, the other node gave it up as unresponsive, and the handshake that followed replaced the live
     * connection on the impaired side, failing its requests with CONNECTION_LOST ("peer started a new
     * connection"). The other node gives up after 3 s of silence here (10 s by default) so that a stall
     * shows within a few hundred requests.
     */
    @Test
    void aLossyDelayedLinkKeepsItsConnection() throws Exception {
        Impairment lossyAndSlow = new Impairment(0.20, 0, 0, Duration.ofMillis(20), Duration.ZERO, 7);
        PilotNode a = nodes.start(x -> x.impairment(lossyAndSlow));
        PilotNode b = nodes.start(x -> x.transportConfig(TransportConfig.builder()
                .unresponsiveTimeout(Duration.ofSeconds(3)).build()));
        List<String> events = new CopyOnWriteArrayList<>();
        a.addSessionListener(recorder("a", events));
        b.addSessionListener(recorder("b", events));
        b.listen(60, MessageHandler.of(in -> Message.of(in.message().body())));
        a.connect(b.publicKey(), b.localEndpoint()).get(30, TimeUnit.SECONDS);

        List<CompletableFuture<Void>> callers = new ArrayList<>();
        for (int caller = 0; caller < 4; caller++) {
            callers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 60; i++) {
                    byte[] body = new byte[2000];
                    Message reply = a.request(new PilotSocketAddress(b.address(), 60), Message.of(body),
                            Duration.ofSeconds(60)).join();
                    assertThat(reply.body()).isEqualTo(body);
                }
            }));
        }
        CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);

        assertThat(events).containsExactlyInAnyOrder("a new connection", "b new connection");
    }

    /**
     * The same lossy, delayed link, but the peer really restarts (same key, same endpoint, a new boot): the
     * restart is still recognised and a new connection made, so requests reach the new run.
     */
    @Test
    void aPeerThatRestartsBehindALossyLinkGetsANewConnection() {
        Impairment lossyAndSlow = new Impairment(0.20, 0, 0, Duration.ofMillis(20), Duration.ZERO, 8);
        PilotNode a = nodes.start(x -> x.impairment(lossyAndSlow)
                .sessionSettings(SessionSettings.DEFAULTS.withStaleAfter(Duration.ofMillis(500))));
        Identity identityB = TestNodes.newIdentity();
        PilotNode b = nodes.start(x -> x.identity(identityB));
        InetSocketAddress endpointB = b.localEndpoint();
        b.listen(30, MessageHandler.of(in -> Message.of("first life")));
        List<String> events = new CopyOnWriteArrayList<>();
        a.addSessionListener(recorder("a", events));
        PilotSocketAddress service = new PilotSocketAddress(b.address(), 30);
        a.connect(b.publicKey(), endpointB).join();
        assertThat(a.request(service, Message.empty(), Duration.ofSeconds(30)).join().bodyAsString()).isEqualTo("first life");

        b.close();
        PilotNode b2 = nodes.start(x -> x.identity(identityB).bindAddress(endpointB));
        b2.listen(30, MessageHandler.of(in -> Message.of("second life")));

        // Requests sent while a still holds the old session are lost with it (TIMEOUT, or CONNECTION_LOST when
        // the new connection replaces the old one); a's stale rule re-handshakes and learns the new boot.
        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> {
            try {
                assertThat(a.request(service, Message.empty(), Duration.ofSeconds(3)).join().bodyAsString())
                        .isEqualTo("second life");
            } catch (CompletionException e) {
                assertThat(((PilotException) e.getCause()).code()).isIn(ErrorCode.TIMEOUT, ErrorCode.CONNECTION_LOST);
                throw new AssertionError("not yet", e);
            }
        });
        // The old connection ends by b's CLOSE if it got through the loss, else the new boot replaces it.
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(events).hasSize(3));
        assertThat(events.get(0)).isEqualTo("a new connection");
        assertThat(events.get(1)).isIn("a closed: node shutting down", "a closed: peer restarted");
        assertThat(events.get(2)).isEqualTo("a new connection");
    }

    /** Records new connections and closes, rekeys left out (they come and go with the link's luck). */
    private static SessionListener recorder(String node, List<String> events) {
        return new SessionListener() {
            @Override
            public void sessionEstablished(PeerInfo peer, boolean newConnection) {
                if (newConnection) {
                    events.add(node + " new connection");
                }
            }

            @Override
            public void sessionClosed(PeerInfo peer, String reason) {
                events.add(node + " closed: " + reason);
            }
        };
    }
}
