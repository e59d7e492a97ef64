package io.pilot.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.identity.Identity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneRoleTests {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void onTheAgentsNodeItLeavesTheNodeOpenWhenClosed() {
        try (PilotNode agentNode = node(0).build().start()) {
            BackboneRole role = new BackboneRole(null, BackboneSettings.DEFAULTS, null, WebSocketServing.DEFAULTS);

            assertThat(role.start(agentNode).node()).isSameAs(agentNode);
            assertThat(role.hasOwnNode()).isFalse();
            assertThat(role.key()).isEqualTo(agentNode.publicKey());
            role.close();

            assertThat(role.backbone()).isNull();
            assertThat(agentNode.ping(agentNode.address())).isNotNull();
        }
    }

    @Test
    void onItsOwnNodeItIsReachedOnLoopbackAndClosesItsNode() throws Exception {
        int port = AgentTests.freePort();
        BackboneRole role = new BackboneRole(node(port).bindAddress("0.0.0.0", port), BackboneSettings.DEFAULTS, null, WebSocketServing.DEFAULTS);
        try (PilotNode agentNode = node(0).build().start()) {
            assertThat(role.start(agentNode).node()).isNotSameAs(agentNode);
            assertThat(role.endpoint().getAddress().isLoopbackAddress()).isTrue();
            assertThat(role.endpoint().getPort()).isEqualTo(port);
        } finally {
            role.close();
        }
        AgentTests.assertPortFree(port);
    }

    @Test
    void aStoreThatCannotBeOpenedIsNamedAndItsNodeIsClosedWithTheRole() throws Exception {
        int port = AgentTests.freePort();
        Path notAFolder = Files.writeString(dir.resolve("store"), "not a store");
        BackboneRole role = new BackboneRole(node(port), BackboneSettings.DEFAULTS, notAFolder.toString(), WebSocketServing.DEFAULTS);

        assertThatThrownBy(() -> role.start(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot open the directory store " + notAFolder + ": ");
        role.close();

        AgentTests.assertPortFree(port);
    }

    private static PilotNode.Builder node(int port) {
        return PilotNode.builder().identity(Identity.generate(RANDOM)).bindAddress("127.0.0.1", port);
    }
}
