package io.pilot.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.agent.BackboneProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * One site's network drops every UDP packet: its agent joins with the same backbone address as everyone else,
 * over WebSocket to the backbone's TCP port, and is relayed to a peer behind a normal NAT both ways. When the
 * rule is lifted it moves to UDP, when it is restored back to TCP, each time without a failed request.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(NatLab.LOCK)
class TcpFallbackTest {

    private static final Duration START = Duration.ofSeconds(40);
    private static final Duration CALL = Duration.ofSeconds(90);

    @RegisterExtension
    final NatLabExtension lab = new NatLabExtension(Topology.create()
            .publicHost("bb")
            .site("east", NatType.ENDPOINT_INDEPENDENT, "alice")
            .site("west", NatType.ENDPOINT_INDEPENDENT, "bob"));

    @Test
    void anAgentBehindAUdpDroppingNetworkIsRelayedOverTcpAndMovesToUdpWhenItOpens() throws Exception {
        String backbone = startBackbone();
        lab.get().dropUdp("east", true);
        LabProcess alice = agent("alice", backbone);
        LabProcess bob = agent("bob", backbone);

        alice.send("ping bob");
        assertThat(alice.awaitLine(Pattern.compile("(PONG|FAILED) bob .*"), CALL).group(0)).startsWith("PONG bob relayed/tcp");
        bob.send("ping alice");
        assertThat(bob.awaitLine(Pattern.compile("(PONG|FAILED) alice .*"), CALL).group(0)).startsWith("PONG alice relayed");
        alice.send("path bob");
        assertThat(alice.awaitLine(Pattern.compile("PATH bob .*"), CALL).group(0))
                .startsWith("PATH bob relayed/tcp ")
                .contains("over TCP: UDP to the backbone unanswered; using WebSocket direct to ws://"
                        + lab.get().address("bb").getHostAddress() + ":7400/pilot");

        lab.get().dropUdp("east", false);
        // A ping a second while the node probes UDP and moves: none may fail.
        boolean udp = false;
        for (int i = 0; i < 60 && !udp; i++) {
            String answer = ping(alice, "bob");
            assertThat(answer).as("ping %d after UDP opened", i).startsWith("PONG bob ");
            udp = !answer.contains("/tcp");
            Thread.sleep(1000);
        }
        assertThat(udp).as("alice left the TCP path; lines: %s", alice.lines()).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(ping(alice, "bob")).as("ping %d on UDP", i).startsWith("PONG bob ").doesNotContain("/tcp");
        }

        lab.get().dropUdp("east", true);
        boolean tcp = false;
        for (int i = 0; i < 60 && !tcp; i++) {
            String answer = ping(alice, "bob");
            assertThat(answer).as("ping %d after UDP closed again", i).startsWith("PONG bob ");
            tcp = answer.contains("/tcp");
            Thread.sleep(1000);
        }
        assertThat(tcp).as("alice went back to the TCP path; lines: %s", alice.lines()).isTrue();
    }

    /** Pings and returns this ping's answer line (the process's output keeps every earlier one). */
    private static String ping(LabProcess agent, String peer) throws InterruptedException {
        Pattern answer = Pattern.compile("(PONG|FAILED) " + peer + " .*");
        long before = agent.lines().stream().filter(l -> answer.matcher(l).matches()).count();
        agent.send("ping " + peer);
        long deadline = System.nanoTime() + CALL.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> answers = agent.lines().stream().filter(l -> answer.matcher(l).matches()).toList();
            if (answers.size() > before) {
                return answers.get((int) before);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no answer to ping " + peer + "; lines: " + agent.lines());
    }

    /** Starts the backbone on the public host; returns {@code ip:port key}. */
    private String startBackbone() throws Exception {
        Path identity = Files.createTempDirectory("natlab-bb").resolve("backbone.key");
        LabProcess backbone = lab.get().java("bb", BackboneProcess.class, "0.0.0.0:7400", identity.toString());
        MatchResult line = backbone.awaitLine(Pattern.compile("BACKBONE (\\S+) (\\S+) (\\S+)"), START);
        return lab.get().address("bb").getHostAddress() + ":7400 " + line.group(3);
    }

    private LabProcess agent(String host, String backbone) {
        String[] parts = backbone.split(" ");
        LabProcess agent = lab.get().java(host, LabAgent.class, parts[0], parts[1], host);
        agent.awaitLine(Pattern.compile("REGISTERED .*"), START);
        return agent;
    }
}
