package io.pilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.agent.Agent;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Where users start things, the reach settings (docs/reach.md), with real processes: {@code pilotctl backbone start}
 * with a TLS WebSocket listener on an extra port, reached over {@code wss} by a node whose UDP to it goes unanswered
 * (the extra port's UDP number is a black hole: a socket that reads and never answers); {@code pilotctl daemon start
 * --proxy} through Debian's tinyproxy with basic authentication; bad listener options and wrong proxy credentials
 * refused with a clear message that never quotes a password.
 */
class ReachSettingsIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** NO_PROXY from the build's environment would exempt 127.0.0.1 from the proxy. */
    private static final Map<String, String> NO_EXEMPTIONS = Map.of("NO_PROXY", "", "no_proxy", "");

    private Cli cli;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeEach
    void newHome() throws IOException {
        cli = new Cli(Cli.newHome());
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
        cli.run("--node", "behind-proxy", "daemon", "stop");
        cli.run("backbone", "stop");
        cli.deleteHome();
    }

    @Test
    void badListenerOptionsExitTwoNamingTheOptionAndStartNothing(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.pem");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate\n");
        Map<List<String>, String> cases = Map.of(
                List.of("--tcp-bind", "nonsense"), "--tcp-bind nonsense",
                List.of("--tcp-bind", "127.0.0.1:443,127.0.0.1:70000"), "--tcp-bind 127.0.0.1:70000",
                List.of("--tls-cert", notPem.toString()), "--tls-cert and --tls-key go together",
                List.of("--tls-cert", missing.toString(), "--tls-key", missing.toString()), missing + " does not exist or cannot be read",
                List.of("--tls-cert", notPem.toString(), "--tls-key", notPem.toString()), "cannot use TLS certificate " + notPem);
        for (Map.Entry<List<String>, String> bad : cases.entrySet()) {
            List<String> args = new ArrayList<>(List.of("backbone", "start", "--bind", "127.0.0.1:0"));
            args.addAll(bad.getKey());

            Cli.Result start = cli.run(args.toArray(String[]::new));

            assertThat(start.status()).as(start.toString()).isEqualTo(PilotCtl.USAGE);
            assertThat(start.err()).as(start.toString()).contains(bad.getValue());
            Cli.Result status = cli.run("backbone", "status");
            assertThat(status.status()).as("nothing started: " + status).isEqualTo(PilotCtl.NO_NODE);
        }
    }

    @Test
    void aBackboneServingWssOnAnExtraPortIsReachedOverWssByANodeWhoseUdpGoesUnanswered(@TempDir Path dir)
            throws Exception {
        Path[] tls = selfSigned(dir);
        int extra = freeTcpAndUdpPort();
        Cli.Result started = cli.run("--json", "backbone", "start", "--bind", "127.0.0.1:0", "--tcp-bind", "127.0.0.1:" + extra,
                "--tls-cert", tls[0].toString(), "--tls-key", tls[1].toString());
        assertThat(started.status()).as(started.toString()).isZero();
        String key = started.json().path("data").path("key").asString();
        DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress("127.0.0.1", extra));
        closeAfter.add(blackHole);
        InetSocketAddress advertised = new InetSocketAddress("127.0.0.1", extra);

        // A library node, told the extra port: UDP there never answers, wss there does.
        Agent direct = Agent.builder(PilotNode.builder().identity(Identity.generate(RANDOM)).bindAddress("127.0.0.1", 0))
                .hostname("direct").backbone(advertised, NodeKey.parse(key)).startWithoutBackbone(Duration.ofSeconds(20))
                .build().start();
        closeAfter.add(direct);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> direct.directory().orElseThrow().status() == DirectoryClient.Status.REGISTERED);
        PilotAddress backbone = direct.directory().orElseThrow().backbone().orElseThrow();
        PeerInfo seen = direct.node().peer(backbone).orElseThrow();
        assertThat(seen.bearer()).isEqualTo("tcp");
        assertThat(seen.pathReason()).contains("using WebSocket direct to wss://127.0.0.1:" + extra + "/pilot");
    }

    @Test
    void aDaemonStartedWithProxyReachesTheBackboneThroughTinyproxyAndWrongCredentialsAreOneClearError(@TempDir Path dir)
            throws Exception {
        // Plain WebSocket here: the daemon must register within its first request timeout (5 s), TLS aside.
        int extra = freeTcpAndUdpPort();
        Cli.Result started = cli.run("--json", "backbone", "start", "--bind", "127.0.0.1:0", "--tcp-bind", "127.0.0.1:" + extra);
        assertThat(started.status()).as(started.toString()).isZero();
        String key = started.json().path("data").path("key").asString();
        DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress("127.0.0.1", extra));
        closeAfter.add(blackHole);

        // A daemon through tinyproxy: the URL's password reaches neither its command line nor its log.
        Tinyproxy proxy = Tinyproxy.start(dir, "pilot", "pr0xy-s3cret");
        closeAfter.add(proxy);
        Cli.Result daemon = cli.run(NO_EXEMPTIONS, null, "--json", "daemon", "start", "--hostname", "behind-proxy",
                "--backbone", "127.0.0.1:" + extra, "--backbone-key", key,
                "--proxy", "http://pilot:pr0xy-s3cret@127.0.0.1:" + proxy.port());
        assertThat(daemon.status()).as(daemon.toString()).isZero();
        long pid = daemon.json().path("data").path("pid").asLong();
        assertThat(Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline"))).doesNotContain("pr0xy-s3cret");
        Cli.Result peers = cli.run("--json", "--node", "behind-proxy", "peers");
        JsonNode peer = peers.json().path("data").path("peers").get(0);
        assertThat(peer.path("bearer").asString()).as(peers.toString()).isEqualTo("tcp");
        assertThat(peer.path("pathReason").asString()).contains("via proxy http://127.0.0.1:" + proxy.port()
                + " to ws://127.0.0.1:" + extra + "/pilot");
        assertThat(peers.out()).doesNotContain("pr0xy-s3cret");
        Cli.Result ping = cli.run("--node", "behind-proxy", "ping", peer.path("address").asString(), "--count", "2");
        assertThat(ping.status()).as(ping.toString()).isZero();

        // Wrong credentials: the start fails, the log names the proxy and not the password.
        Cli.Result refused = cli.run(NO_EXEMPTIONS, null, "daemon", "start", "--hostname", "wrong-proxy",
                "--backbone", "127.0.0.1:" + extra, "--backbone-key", key,
                "--proxy", "http://pilot:wr0ng-s3cret@127.0.0.1:" + proxy.port());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(PilotCtl.NODE_ERROR);
        // tinyproxy answers a wrong Proxy-Authorization with 401 (a missing one with 407): both are a refusal.
        assertThat(refused.err()).contains("over WebSocket: the HTTP proxy http://127.0.0.1:" + proxy.port()
                + " refused the credentials (401 Unauthorized): check the user and password in its URL");
        String log = Files.readString(cli.home().resolve("run").resolve("wrong-proxy.log"));
        assertThat(log).contains("the HTTP proxy http://127.0.0.1:" + proxy.port() + " refused the credentials");
        assertThat(log + refused.out() + refused.err()).doesNotContain("wr0ng-s3cret");
    }

    /** A loopback port free for TCP and UDP both. */
    private static int freeTcpAndUdpPort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", tcp.getLocalPort()))) {
                return tcp.getLocalPort();
            } catch (IOException taken) {
                // its UDP twin is taken: another
            }
        }
        throw new IOException("no loopback port free for TCP and UDP");
    }

    /** A self-signed certificate and PKCS#8 key from the openssl command; the test is skipped without it. */
    private static Path[] selfSigned(Path dir) throws Exception {
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
        return new Path[] {cert, key};
    }
}
