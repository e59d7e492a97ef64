package io.pilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.identity.Identity;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * pilotctl against real daemons (separate processes launched by {@code daemon start}) and a real backbone:
 * the seeds' walkthrough, lookups, JSON output, and bad input with its exit statuses.
 */
class PilotCtlProcessTests {

    private final String suffix = Long.toHexString(new SecureRandom().nextLong() & 0xFFFFFF);
    private final List<String> started = new ArrayList<>();
    private PilotNode backboneNode;
    private Backbone backbone;

    record Result(int status, String out, String err) {
    }

    @BeforeEach
    void startBackbone() {
        backboneNode = PilotNode.builder().identity(Identity.generate(new SecureRandom())).bindAddress("127.0.0.1", 0)
                .build().start();
        backbone = Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none());
    }

    @AfterEach
    void stopEverything() {
        started.forEach(h -> run("--node", h, "daemon", "stop"));
        backbone.close();
        backboneNode.close();
    }

    @Test
    void theSeedsWalkthroughWorksAndBadInputIsExplained() {
        String coordinator = "coordinator-" + suffix;
        String papers = "specialist-papers-" + suffix;
        Result first = startDaemon(coordinator);
        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("✓ " + coordinator + " is 0:");
        assertThat(startDaemon(papers).status()).isZero();

        Result ping = run("--node", coordinator, "ping", papers, "--count", "3");
        assertThat(ping.status()).as(ping.err()).isZero();
        assertThat(ping.out().lines().filter(l -> l.matches("✓ reply from \\d+:[0-9A-F]{4}\\.[0-9A-F]{4}\\.[0-9A-F]{4} · [0-9.]+ms")))
                .hasSize(3);
        assertThat(ping.out()).contains("3 sent, 3 received, 0% loss");

        Result info = run("--node", papers, "--json", "info");
        assertThat(info.status()).isZero();
        assertThat(info.out()).startsWith("{\"status\":\"ok\",\"data\":{").contains("\"hostname\":\"" + papers + "\"");

        Result find = run("--node", coordinator, "find", papers);
        assertThat(find.status()).isZero();
        assertThat(find.out()).contains(papers).containsPattern("\\d+:[0-9A-F]{4}\\.");

        Result members = run("--node", coordinator, "groups", "members", "RESEARCH");
        assertThat(members.status()).as(members.err()).isZero();
        assertThat(members.out()).contains(coordinator).contains(papers);
        assertThat(run("--node", papers, "groups", "list").out()).contains("RESEARCH");
        Result send = run("--node", coordinator, "send", papers, "1001", "--data", "hello");
        assertThat(send.status()).as(send.err()).isZero();
        assertThat(send.out()).contains("sent 5 bytes");
        Result broadcast = run("--node", coordinator, "broadcast", "RESEARCH", "new paper");
        assertThat(broadcast.status()).as(broadcast.err()).isZero();
        assertThat(broadcast.out()).contains("delivered to 1");

        Result unknown = run("--node", coordinator, "ping", "nobody-" + suffix);
        assertThat(unknown.status()).isEqualTo(PilotCtl.NODE_ERROR);
        assertThat(unknown.err()).startsWith("✗ ");
        Result unknownJson = run("--node", coordinator, "--json", "ping", "nobody-" + suffix);
        assertThat(unknownJson.out()).contains("\"status\":\"error\"").contains("\"code\":\"NOT_FOUND\"").contains("\"hint\"");

        assertThat(run("--node", "no-such-node-" + suffix, "info").status()).isEqualTo(PilotCtl.NO_NODE);
        assertThat(run("frobnicate").status()).isEqualTo(2);
        assertThat(run("--node", coordinator, "ping").status()).isEqualTo(2);
        assertThat(run("--node", coordinator, "find", "--capability", "x.y", "--group", "G").status()).isEqualTo(2);
        Result again = startDaemon(coordinator);
        assertThat(again.status()).isEqualTo(PilotCtl.NODE_ERROR);
        assertThat(again.err()).contains("already runs as '" + coordinator + "'");
        Result badBackbone = run("daemon", "start", "--hostname", "x-" + suffix, "--backbone", "nowhere");
        assertThat(badBackbone.status()).isEqualTo(2);
        assertThat(badBackbone.err()).contains("'nowhere' is not HOST:PORT");

        assertThat(run("--node", papers, "daemon", "stop").status()).isZero();
        started.remove(papers);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> run("--node", papers, "daemon", "status").status() == PilotCtl.NO_NODE);
    }

    @Test
    void aStandaloneBackboneIsStartedCheckedAndStopped() throws Exception {
        int port;
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            port = socket.getLocalPort();
        }
        java.nio.file.Path identity = java.nio.file.Files.createTempDirectory("bb").resolve("backbone.key");
        Result start = run("--json", "backbone", "start", "--bind", "127.0.0.1:" + port, "--identity", identity.toString());
        try {
            assertThat(start.status()).as(start.err() + start.out()).isZero();
            assertThat(start.out()).contains("\"endpoint\":\"127.0.0.1:" + port + "\"");
            String key = start.out().replaceAll(".*\"key\":\"([^\"]+)\".*\s*", "$1");
            assertThat(run("backbone", "status").out()).contains("127.0.0.1:" + port);
            assertThat(run("backbone", "start", "--bind", "127.0.0.1:" + port).status()).isEqualTo(PilotCtl.NODE_ERROR);

            String agent = "agent-" + suffix;
            Result daemon = run("daemon", "start", "--hostname", agent, "--backbone", "127.0.0.1:" + port, "--backbone-key", key);
            assertThat(daemon.status()).as(daemon.err()).isZero();
            started.add(agent);
            assertThat(run("--node", agent, "daemon", "status").out()).contains("backbone REGISTERED");
        } finally {
            assertThat(run("backbone", "stop").status()).isZero();
        }
        assertThat(run("backbone", "status").status()).isEqualTo(PilotCtl.NO_NODE);
    }

    private Result startDaemon(String hostname) {
        Result result = run("daemon", "start", "--hostname", hostname, "--group", "RESEARCH", "--backbone",
                "127.0.0.1:" + backboneNode.localEndpoint().getPort(), "--backbone-key", backboneNode.publicKey().toString());
        if (result.status() == 0) {
            started.add(hostname);
        }
        return result;
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = PilotCtl.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }
}
