package io.pilot.spring.reach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.runtime.PilotRuntime;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.json.JsonMapper;

/**
 * The reach properties (docs/reach.md) in real Boot apps on loopback: an embedded backbone serving {@code wss} on an
 * extra TCP port ({@code pilot.backbone.tcp-bind}, {@code pilot.backbone.tls.*}) and an agent whose UDP to it goes
 * unanswered (that port's UDP number is a black hole: a socket that reads and never answers) reaching it over
 * WebSocket through Debian's tinyproxy ({@code pilot.proxy.*}); the proxy's password shows neither in the log nor in
 * the {@code env} and {@code configprops} endpoints set to show values; bad values fail the start naming the property.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReachPropertiesTests {

    private static final String PASSWORD = "pr0xy-s3cret-Kq2";

    @TempDir
    Path dir;

    private final List<AutoCloseable> started = new ArrayList<>();

    @SpringBootApplication
    static class RatesApplication {

        @PilotAgent
        static class RatesAgent {

            @Capability("fx.rate")
            double rate(String pair) {
                return 1.0664;
            }
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    @Test
    void anAgentWhoseUdpIsBlockedReachesAnEmbeddedBackbonesWssListenerThroughTheConfiguredProxy(CapturedOutput output)
            throws Exception {
        Path[] tls = selfSigned(dir);
        int extra = freeTcpAndUdpPort();
        ConfigurableApplicationContext backboneApp = run("hub", "--pilot.backbone.embedded=true",
                "--pilot.backbone.address=127.0.0.1:" + freeTcpAndUdpPort(), "--pilot.backbone.identity=" + dir.resolve("embedded-backbone.key"),
                "--pilot.backbone.tcp-bind=127.0.0.1:" + extra, "--pilot.backbone.tls.certificate=" + tls[0],
                "--pilot.backbone.tls.private-key=" + tls[1]);
        Backbone backbone = backboneApp.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow();
        assertThat(backbone.node().bearers().listening()).contains(new InetSocketAddress("127.0.0.1", extra));
        DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress("127.0.0.1", extra));
        started.add(blackHole);
        Tinyproxy proxy = Tinyproxy.start(dir, "pilot", PASSWORD);
        started.add(proxy);

        ConfigurableApplicationContext agent = run("rates", "--pilot.backbone.address=127.0.0.1:" + extra,
                "--pilot.backbone.key=" + backbone.node().publicKey(),
                "--pilot.proxy.host=127.0.0.1", "--pilot.proxy.port=" + proxy.port(), "--pilot.proxy.username=pilot",
                "--pilot.proxy.password=" + PASSWORD, "--pilot.proxy.no-proxy=",
                "--management.endpoints.access.default=unrestricted", "--spring.jmx.enabled=true",
                "--management.endpoints.jmx.exposure.include=env,configprops",
                "--management.endpoint.env.show-values=always", "--management.endpoint.configprops.show-values=always");

        PilotRuntime runtime = agent.getBean(PilotRuntime.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> runtime.directory().status() == DirectoryClient.Status.REGISTERED);
        PilotNode node = runtime.node();
        PeerInfo seen = node.peer(backbone.node().address()).orElseThrow();
        assertThat(seen.bearer()).isEqualTo("tcp");
        assertThat(seen.pathReason()).contains("using WebSocket via proxy http://127.0.0.1:" + proxy.port()
                + " to wss://127.0.0.1:" + extra + "/pilot");
        JsonMapper json = new JsonMapper();
        String env = json.writeValueAsString(agent.getBean(EnvironmentEndpoint.class).environment(null));
        String configprops = json.writeValueAsString(agent.getBean(ConfigurationPropertiesReportEndpoint.class)
                .configurationProperties());
        assertThat(env).as("env shows values").contains("pilot.proxy.password", "127.0.0.1:" + extra).doesNotContain(PASSWORD);
        assertThat(configprops).as("configprops shows values").contains("password", "rates").doesNotContain(PASSWORD);
        assertThat(output).contains("over WebSocket").doesNotContain(PASSWORD);
    }

    @Test
    void badReachPropertiesFailTheStartNamingTheProperty(CapturedOutput output) {
        assertThatThrownBy(() -> run("rates", "--pilot.proxy.url=socks5://pilot:" + PASSWORD + "@127.0.0.1:1080"))
                .isNotNull();
        assertThatThrownBy(() -> run("rates", "--pilot.proxy.host=127.0.0.1")).isNotNull();
        assertThatThrownBy(() -> run("rates", "--pilot.backbone.embedded=true", "--pilot.backbone.address=127.0.0.1:0",
                "--pilot.backbone.identity=" + dir.resolve("embedded-backbone.key"), "--pilot.backbone.tcp-bind=nonsense")).isNotNull();
        assertThatThrownBy(() -> run("rates", "--pilot.backbone.embedded=true", "--pilot.backbone.address=127.0.0.1:0",
                "--pilot.backbone.identity=" + dir.resolve("embedded-backbone.key"),
                "--pilot.backbone.tls.certificate=" + dir.resolve("missing.pem"),
                "--pilot.backbone.tls.private-key=" + dir.resolve("missing.pem"))).isNotNull();
        assertThatThrownBy(() -> run("rates", "--pilot.backbone.tcp-bind=0.0.0.0:443")).isNotNull();

        assertThat(output).contains("pilot.proxy.url: pilot.proxy.url must be an http://[user:password@]host:port proxy URL",
                "pilot.proxy.port: is not set, but pilot.proxy.host is",
                "pilot.backbone.tcp-bind: nonsense",
                "pilot.backbone.tls.certificate: TLS file " + dir.resolve("missing.pem") + " does not exist or cannot be read",
                "pilot.backbone.embedded is false: only a backbone serves TCP listeners")
                .doesNotContain(PASSWORD);
    }

    private ConfigurableApplicationContext run(String hostname, String... args) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(RatesApplication.class)
                .properties("spring.main.web-application-type=none", "pilot.hostname=" + hostname,
                        "pilot.bind.address=127.0.0.1", "pilot.control.enabled=false",
                        "pilot.identity.path=" + dir.resolve(hostname + ".key"))
                .run(args);
        started.add(context);
        return context;
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
