package io.pilot.engine.net;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
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
    void overTlsTheNodeFindsWssOnTheSamePortAndTlsGarbageIsRefusedAndCounted(@TempDir Path dir) throws Exception {
        TlsFiles tls = selfSigned(dir);
        PilotNode backbone = nodes.start(b -> b.answerStun(true));
        InetSocketAddress tcp = backbone.listenWebSocket(List.of(new InetSocketAddress("127.0.0.1", 0)), tls, 16).get(0);
        try (DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress("127.0.0.1", tcp.getPort()))) {
            InetSocketAddress advertised = new InetSocketAddress("127.0.0.1", tcp.getPort());
            PilotNode node = nodes.start();
            node.reachBackbone(advertised, null);

            node.connect(backbone.publicKey(), advertised).get(30, TimeUnit.SECONDS);

            assertThat(node.ping(backbone.address()).get(10, TimeUnit.SECONDS)).isPositive();
            assertThat(node.peer(backbone.address()).orElseThrow().pathReason())
                    .contains("using WebSocket direct to wss://127.0.0.1:" + tcp.getPort() + "/pilot");
            // Its first try, plain ws on the TLS port, was refused as not TLS.
            assertThat(backbone.bearers().listener().tlsFailures()).isEqualTo(1);
        }
        try (Socket garbage = new Socket(tcp.getAddress(), tcp.getPort())) {
            garbage.setSoTimeout(10_000);
            garbage.getOutputStream().write("\u0000\u0001 not a TLS record at all \r\n\r\n".repeat(20)
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(garbage.getInputStream().readAllBytes().length).isLessThan(100); // an alert at most, then EOF
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> backbone.bearers().listener().tlsFailures() == 2);
        assertThat(backbone.bearers().listener().open()).isLessThanOrEqualTo(1);
    }

    @Test
    void aTlsFileThatIsNotThereIsNamed(@TempDir Path dir) {
        PilotNode backbone = nodes.start();
        TlsFiles missing = new TlsFiles(dir.resolve("cert.pem"), dir.resolve("key.pem"));

        assertThatThrownBy(() -> backbone.listenWebSocket(List.of(new InetSocketAddress("127.0.0.1", 0)), missing, 16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cert.pem");
        assertThat(backbone.bearers().listening()).isEmpty();
    }

    /** A self-signed certificate and PKCS#8 key from the openssl command; the test is skipped without it. */
    private static TlsFiles selfSigned(Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl;
        try {
            openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                    "-days", "1", "-subj", "/CN=localhost").redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no openssl command: " + e.getMessage());
            throw e;
        }
        openssl.getInputStream().readAllBytes();
        assumeTrue(openssl.waitFor() == 0, "openssl could not make a certificate");
        return new TlsFiles(cert, key);
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
