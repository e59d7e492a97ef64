package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.stun.StunClient;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A backbone tells nodes how it sees them: in its registration replies, and to any STUN client, on the same socket. */
class ReflexiveAddressTests {

    @RegisterExtension
    final Mesh mesh = new Mesh();

    @Test
    void registrationRepliesCarryTheEndpointTheBackboneSees() {
        mesh.startBackbone(BackboneSettings.DEFAULTS, DirectoryStore.none());
        DirectoryClient agent = mesh.agent("agent", b -> b);
        assertThat(agent.reflexiveEndpoint()).contains(agent.node().localEndpoint());
    }

    @Test
    void aNodeLearnsItsReflexiveAddressFromAnyStunServerOnItsOwnSocket() throws Exception {
        PilotNode server = mesh.nodes.start(b -> b.answerStun(true));
        PilotNode client = mesh.node();
        assertThat(client.reflexiveAddress(server.localEndpoint()).get(10, TimeUnit.SECONDS)).isEqualTo(client.localEndpoint());
        // Its Pilot traffic is untouched by the exchange.
        assertThat(client.connect(server.publicKey(), server.localEndpoint()).join().established()).isTrue();
    }

    @Test
    void theBackboneAnswersStandardStunNextToPilotTraffic() throws Exception {
        PilotNode backbone = mesh.nodes.start(b -> b.answerStun(true));
        Backbone.start(backbone, BackboneSettings.DEFAULTS, DirectoryStore.none()).close();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(StunClient.reflexiveAddress(socket, backbone.localEndpoint())).isEqualTo(socket.getLocalSocketAddress());
        }
        // Pilot sessions on the same socket are unaffected.
        PilotNode peer = mesh.node();
        assertThat(peer.connect(backbone.publicKey(), backbone.localEndpoint()).join().established()).isTrue();
        assertThat(backbone.stunAnswered()).isEqualTo(1);

        Path stun = Path.of("/usr/bin/stun");
        Assumptions.assumeTrue(Files.isExecutable(stun),
                "Debian's stun client is not installed (apt-get install stun-client): interop half of this test skipped");
        Process process = new ProcessBuilder(stun.toString(), "127.0.0.1:" + backbone.localEndpoint().getPort(), "-v")
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).containsPattern("MappedAddress = 127\\.0\\.0\\.1:\\d+");
        assertThat(backbone.stunAnswered()).isGreaterThan(1);
    }
}
