package io.pilot.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.agent.BackboneProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Real Pilot processes behind real NATs (network namespaces and nftables), a real backbone on the public
 * side: endpoint-independent NATs on both sides connect directly after coordinated punching; symmetric
 * NATs on both sides fall back to the backbone's relay.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(NatLab.LOCK)
class PilotTraversalTest {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration CALL = Duration.ofSeconds(90);

    @RegisterExtension
    final NatLabExtension lab = new NatLabExtension(Topology.create()
            .publicHost("bb")
            .site("east", NatType.ENDPOINT_INDEPENDENT, "alice")
            .site("west", NatType.ENDPOINT_INDEPENDENT, "bob")
            .site("north", NatType.SYMMETRIC, "carol")
            .site("south", NatType.SYMMETRIC, "dave"));

    @Test
    void endpointIndependentNatsConnectDirectly() throws Exception {
        String backbone = startBackbone();
        LabProcess alice = agent("alice", backbone);
        agent("bob", backbone);
        alice.send("ping bob");
        MatchResult pong = alice.awaitLine(Pattern.compile("(PONG|FAILED) bob (\\S+).*"), CALL);
        assertThat(pong.group(0)).startsWith("PONG bob direct");
    }

    @Test
    void symmetricNatsOnBothSidesFallBackToTheRelay() throws Exception {
        String backbone = startBackbone();
        LabProcess carol = agent("carol", backbone);
        agent("dave", backbone);
        carol.send("ping dave");
        MatchResult pong = carol.awaitLine(Pattern.compile("(PONG|FAILED) dave (\\S+).*"), CALL);
        assertThat(pong.group(0)).startsWith("PONG dave relayed");
        carol.send("path dave");
        // Both sides try at once (the backbone asks dave to punch back), so either handshake may win.
        assertThat(carol.awaitLine(Pattern.compile("PATH dave .*"), CALL).group(0))
                .matches("PATH dave relayed relayed: (no direct answer from|the peer reached this node through the relay).*");
    }

    @Test
    void aRelayedPairMovesToTheDirectPathWhenTheNatLetsItThrough() throws Exception {
        String backbone = startBackbone();
        LabProcess alice = agent("alice", backbone);
        agent("bob", backbone);
        lab.get().block("east", lab.get().wanAddress("west"));
        alice.send("ping bob");
        assertThat(alice.awaitLine(Pattern.compile("(PONG|FAILED) bob .*"), CALL).group(0)).startsWith("PONG bob relayed");

        lab.get().block("east", null);
        // Both sides keep probing each other's public endpoints (and handshakes still in flight retry); once
        // the cut is gone one of them gets through and the path becomes direct.
        boolean direct = false;
        for (int i = 0; i < 60 && !direct; i++) {
            alice.send("path bob");
            direct = alice.findLine(Pattern.compile("PATH bob direct .*"), Duration.ofSeconds(1)).isPresent();
        }
        assertThat(direct).as("alice's path to bob became direct; lines: %s", alice.lines()).isTrue();
        alice.send("ping bob");
        assertThat(alice.awaitLine(Pattern.compile("PONG bob direct .*"), CALL)).isNotNull();
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
