package io.pilot.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.Identity;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket fallback with several backbones ({@code --backbone A,B}): it follows the backbone the node attaches
 * to, not the first listed. UDP to both is unanswerable here: each listed endpoint's UDP port is a black hole (a
 * socket that reads and never answers); A has nothing on TCP either (a dead host), B's TCP port number is the live
 * backbone's WebSocket listener.
 */
class SeveralBackbonesReachTests {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Latest first: members close before their backbone. */
    private final List<Agent> agents = new ArrayList<>();

    @AfterEach
    void closeAll() {
        agents.forEach(Agent::close);
    }

    @Test
    void withTheFirstBackboneDeadAndUdpBlockedTheNodeReachesTheSecondOverWebSocket() throws Exception {
        Agent backbone = start(Agent.builder(node()).serveBackbone(BackboneSettings.DEFAULTS, null)
                .backboneWebSocket(new WebSocketServing(false, List.of(new InetSocketAddress("127.0.0.1", 0)), null, 16)));
        InetSocketAddress tcp = backbone.node().bearers().listening().get(0);
        try (DatagramSocket deadA = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket blackHoleB = new DatagramSocket(new InetSocketAddress("127.0.0.1", tcp.getPort()))) {
            InetSocketAddress a = new InetSocketAddress("127.0.0.1", deadA.getLocalPort());
            InetSocketAddress b = new InetSocketAddress("127.0.0.1", tcp.getPort());

            // A first attempt at a dead backbone fails a plain start: this one registers in the background.
            Agent member = start(Agent.builder(node()).hostname("behind-a-firewall")
                    .backbones(List.of(a, b), backbone.node().publicKey()).startWithoutBackbone(Duration.ofSeconds(30)));

            DirectoryClient directory = member.directory().orElseThrow();
            await().atMost(Duration.ofSeconds(60)).until(() -> directory.status() == DirectoryClient.Status.REGISTERED);
            assertThat(directory.backboneEndpoint()).contains(b);
            PilotNode node = member.node();
            assertThat(node.ping(backbone.node().address()).get(10, TimeUnit.SECONDS)).isPositive();
            assertThat(node.bearers().backbone()).isEqualTo("tcp");
            PeerInfo seen = node.peer(backbone.node().address()).orElseThrow();
            assertThat(seen.pathReason()).contains("using WebSocket direct to ws://127.0.0.1:" + tcp.getPort() + "/pilot");
            assertThat(backbone.node().bearers().listener().upgraded()).isEqualTo(1);
            assertThat(backbone.backbone().orElseThrow().registrations()).isEqualTo(1);
        }
    }

    private Agent start(Agent.Builder builder) {
        Agent agent = builder.build();
        agents.add(0, agent);
        return agent.start();
    }

    private static PilotNode.Builder node() {
        return PilotNode.builder().identity(Identity.generate(RANDOM)).bindAddress("127.0.0.1", 0);
    }
}
