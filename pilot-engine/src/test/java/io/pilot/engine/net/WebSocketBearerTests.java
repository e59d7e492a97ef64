package io.pilot.engine.net;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node whose UDP to the backbone goes unanswered reaches it over WebSocket by itself: the backbone's UDP port
 * number here is a black hole (a socket that reads and never answers), its TCP port the backbone's listener.
 */
class WebSocketBearerTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @Test
    void aNodeWhoseUdpGoesUnansweredReachesTheBackboneOverWebSocket() throws Exception {
        PilotNode backbone = nodes.start(b -> b.answerStun(true));
        InetSocketAddress tcp = backbone.listenWebSocket(List.of(new InetSocketAddress("127.0.0.1", 0)), null, 16).get(0);
        try (DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress("127.0.0.1", tcp.getPort()))) {
            InetSocketAddress advertised = new InetSocketAddress("127.0.0.1", tcp.getPort());
            PilotNode node = nodes.start();
            node.reachBackbone(advertised, null);

            PeerInfo session = node.connect(backbone.publicKey(), advertised).get(30, TimeUnit.SECONDS);

            assertThat(session.established()).isTrue();
            assertThat(node.ping(backbone.address()).get(10, TimeUnit.SECONDS)).isPositive();
            assertThat(backbone.ping(node.address()).get(10, TimeUnit.SECONDS)).isPositive();
            PeerInfo seen = node.peer(backbone.address()).orElseThrow();
            assertThat(seen.bearer()).isEqualTo("tcp");
            assertThat(seen.pathReason()).contains("UDP to the backbone unanswered; using WebSocket direct to ws://127.0.0.1:"
                    + tcp.getPort() + "/pilot");
            PeerInfo served = backbone.peer(node.address()).orElseThrow();
            assertThat(served.bearer()).isEqualTo("tcp");
            assertThat(served.pathReason()).contains("over WebSocket");
            PilotNode.Bearers bearers = node.bearers();
            assertThat(bearers.backbone()).isEqualTo("tcp");
            assertThat(backbone.bearers().listener().upgraded()).isEqualTo(1);
            assertThat(backbone.bearers().listener().datagramsIn()).isPositive();
            assertThat(backbone.bearers().listener().datagramsOut()).isPositive();
        }
    }

    @Test
    void aNodeReachesTheBackboneThroughAnHttpConnectProxyWithBasicAuthentication() throws Exception {
        PilotNode backbone = nodes.start(b -> b.answerStun(true));
        InetSocketAddress tcp = backbone.listenWebSocket(List.of(new InetSocketAddress("127.0.0.1", 0)), null, 16).get(0);
        try (DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress("127.0.0.1", tcp.getPort()));
             ConnectProxy proxy = new ConnectProxy("pilot", "s3cret:pass")) {
            InetSocketAddress advertised = new InetSocketAddress("127.0.0.1", tcp.getPort());
            PilotNode node = nodes.start();
            node.reachBackbone(advertised, new ProxySettings("127.0.0.1", proxy.address().getPort(), "pilot",
                    "s3cret:pass", List.of()));

            node.connect(backbone.publicKey(), advertised).get(30, TimeUnit.SECONDS);

            assertThat(node.ping(backbone.address()).get(10, TimeUnit.SECONDS)).isPositive();
            assertThat(proxy.tunnels.get()).isEqualTo(1);
            assertThat(node.peer(backbone.address()).orElseThrow().pathReason())
                    .contains("using WebSocket via proxy http://127.0.0.1:" + proxy.address().getPort() + " to ws://")
                    .doesNotContain("s3cret");
        }
    }

    @Test
    void wrongProxyCredentialsAreAClearErrorNamingTheProxy() throws Exception {
        PilotNode backbone = nodes.start(b -> b.answerStun(true));
        InetSocketAddress tcp = backbone.listenWebSocket(List.of(new InetSocketAddress("127.0.0.1", 0)), null, 16).get(0);
        try (DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress("127.0.0.1", tcp.getPort()));
             ConnectProxy proxy = new ConnectProxy("pilot", "right")) {
            InetSocketAddress advertised = new InetSocketAddress("127.0.0.1", tcp.getPort());
            PilotNode node = nodes.start();
            node.reachBackbone(advertised, new ProxySettings("127.0.0.1", proxy.address().getPort(), "pilot",
                    "wrong-password", List.of()));

            node.connect(backbone.publicKey(), advertised); // its handshake goes unanswered: the trigger
            await().atMost(Duration.ofSeconds(20)).until(() -> node.bearers().lastError() != null);

            String error = node.bearers().lastError();
            assertThat(error).contains("the HTTP proxy http://127.0.0.1:" + proxy.address().getPort()
                    + " refused the credentials (407 Proxy Authentication Required)").doesNotContain("wrong-password");
            assertThat(node.bearers().backbone()).isEqualTo("udp");
            assertThat(backbone.bearers().listener().accepted()).isZero();
        }
    }

    @Test
    void aNodeWhoseUdpAnswersStaysOnUdp() throws Exception {
        PilotNode backbone = nodes.start(b -> b.answerStun(true));
        backbone.listenWebSocket(List.of(backbone.localEndpoint()), null, 16);
        PilotNode node = nodes.start();
        node.reachBackbone(backbone.localEndpoint(), null);

        node.connect(backbone.publicKey(), backbone.localEndpoint()).get(10, TimeUnit.SECONDS);
        await().during(Duration.ofMillis(BackboneReach.UDP_SILENCE_MILLIS + 1000)).atMost(Duration.ofSeconds(10))
                .until(() -> node.ping(backbone.address()).get(5, TimeUnit.SECONDS) != null);

        assertThat(node.peer(backbone.address()).orElseThrow().bearer()).isEqualTo("udp");
        assertThat(backbone.bearers().listener().accepted()).isZero();
    }
}
