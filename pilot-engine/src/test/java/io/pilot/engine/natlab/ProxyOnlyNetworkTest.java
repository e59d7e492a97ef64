package io.pilot.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pilot.engine.agent.BackboneProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A site whose only way out is an HTTP CONNECT proxy: its router forwards nothing but TCP to and from Debian's
 * tinyproxy (a real process on a public host, its configuration written to a temporary folder, basic
 * authentication on). Its agent joins with the usual backbone address and {@code HTTPS_PROXY}, and calls a peer
 * behind a normal NAT both ways; an agent there with a wrong proxy password fails with one line naming the proxy
 * (never the password) and is not registered. Skipped where tinyproxy is missing ({@code apt-get install tinyproxy}).
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(NatLab.LOCK)
class ProxyOnlyNetworkTest {

    private static final Duration START = Duration.ofSeconds(40);
    private static final Duration CALL = Duration.ofSeconds(90);
    private static final Path TINYPROXY = Path.of("/usr/bin/tinyproxy");
    private static final int PROXY_PORT = 8888;
    private static final String PASSWORD = "pr0xy-s3cret-Lb7";

    @RegisterExtension
    final NatLabExtension lab = new NatLabExtension(Topology.create()
            .publicHost("bb")
            .publicHost("proxy")
            .site("east", NatType.ENDPOINT_INDEPENDENT, "alice", "carol")
            .site("west", NatType.ENDPOINT_INDEPENDENT, "bob"));

    @Test
    void anAgentThatReachesOnlyAProxyJoinsThroughItAndWrongCredentialsAreOneClearError() throws Exception {
        assumeTrue(Files.isExecutable(TINYPROXY), "no tinyproxy here (apt-get install tinyproxy)");
        String proxyHost = lab.get().address("proxy").getHostAddress();
        startTinyproxy();
        String[] backbone = startBackbone();
        lab.get().onlyReach("east", lab.get().address("proxy"), PROXY_PORT);

        LabProcess alice = lab.get().java("alice", Map.of("HTTPS_PROXY", "http://pilot:" + PASSWORD + "@" + proxyHost
                + ":" + PROXY_PORT, "NO_PROXY", ""), LabAgent.class, backbone[0], backbone[1], "alice");
        alice.awaitLine(Pattern.compile("REGISTERED .*"), START);
        LabProcess bob = lab.get().java("bob", LabAgent.class, backbone[0], backbone[1], "bob");
        bob.awaitLine(Pattern.compile("REGISTERED .*"), START);

        alice.send("ping bob");
        assertThat(alice.awaitLine(Pattern.compile("(PONG|FAILED) bob .*"), CALL).group(0)).startsWith("PONG bob relayed/tcp");
        bob.send("ping alice");
        assertThat(bob.awaitLine(Pattern.compile("(PONG|FAILED) alice .*"), CALL).group(0)).startsWith("PONG alice relayed");
        alice.send("path bob");
        assertThat(alice.awaitLine(Pattern.compile("PATH bob .*"), CALL).group(0))
                .contains("over TCP: UDP to the backbone unanswered; using WebSocket via proxy http://" + proxyHost + ":"
                        + PROXY_PORT + " to ws://" + backbone[0] + "/pilot")
                .doesNotContain(PASSWORD);

        LabProcess carol = lab.get().java("carol", Map.of("HTTPS_PROXY", "http://pilot:wr0ng-" + PASSWORD + "@" + proxyHost
                + ":" + PROXY_PORT, "NO_PROXY", ""), LabAgent.class, backbone[0], backbone[1], "carol");
        String refused = carol.awaitLine(Pattern.compile("(REGISTERED|NOT_REGISTERED) .*"), START).group(0);
        assertThat(refused).startsWith("NOT_REGISTERED ")
                .contains("over WebSocket: the HTTP proxy http://" + proxyHost + ":" + PROXY_PORT + " refused the credentials")
                .doesNotContain(PASSWORD);
        assertThat(String.join("\n", carol.lines())).doesNotContain(PASSWORD);
        bob.send("ping carol");
        assertThat(bob.awaitLine(Pattern.compile("(PONG|FAILED) carol .*"), CALL).group(0)).as("carol is not registered")
                .startsWith("FAILED carol");
    }

    /** tinyproxy on the public host "proxy", in the foreground (the lab kills it), allowing one user. */
    private void startTinyproxy() throws Exception {
        Path dir = Files.createTempDirectory("natlab-tinyproxy");
        Path config = Files.writeString(dir.resolve("tinyproxy.conf"), String.join("\n", List.of(
                "Port " + PROXY_PORT,
                "Timeout 120",
                "MaxClients 20",
                "LogLevel Info",
                "LogFile \"" + dir.resolve("tinyproxy.log") + "\"",
                "PidFile \"" + dir.resolve("tinyproxy.pid") + "\"",
                "BasicAuth pilot " + PASSWORD,
                "")));
        lab.get().start("proxy", List.of(TINYPROXY.toString(), "-d", "-c", config.toString()));
        // Listening once its log says so (it logs before accepting; the agents retry their WebSocket anyway).
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline && !(Files.exists(dir.resolve("tinyproxy.log"))
                && Files.readString(dir.resolve("tinyproxy.log")).contains("Accepting connections"))) {
            Thread.sleep(100);
        }
    }

    /** Starts the backbone on the public host; returns {@code ip:port} and its key. */
    private String[] startBackbone() throws Exception {
        Path identity = Files.createTempDirectory("natlab-bb").resolve("backbone.key");
        LabProcess backbone = lab.get().java("bb", BackboneProcess.class, "0.0.0.0:7400", identity.toString());
        MatchResult line = backbone.awaitLine(Pattern.compile("BACKBONE (\\S+) (\\S+) (\\S+)"), START);
        return new String[] {lab.get().address("bb").getHostAddress() + ":7400", line.group(3)};
    }
}
