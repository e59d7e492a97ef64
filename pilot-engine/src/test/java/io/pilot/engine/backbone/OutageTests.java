package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The data path does not depend on the backbone. */
class OutageTests {

    @RegisterExtension
    final Mesh mesh = new Mesh();

    @Test
    void tunnelsAndCachedLookupsOutliveTheBackboneAndNodesRegisterAgainWhenItReturns() {
        Identity backboneIdentity = TestNodes.newIdentity();
        BackboneSettings settings = BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofMillis(1500));
        mesh.startBackbone(backboneIdentity, new InetSocketAddress("127.0.0.1", 0), settings, DirectoryStore.none());
        InetSocketAddress backboneEndpoint = mesh.backboneNode.localEndpoint();
        DirectoryClient coordinator = mesh.agent("coordinator", b -> b.requestTimeout(Duration.ofMillis(500)));
        DirectoryClient papers = mesh.agent("papers", b -> b.capability("papers.search").requestTimeout(Duration.ofMillis(500)));
        papers.node().listen(1001, MessageHandler.of(in -> Message.of("answer " + in.message().bodyAsString())));
        assertThat(coordinator.request("papers", 1001, Message.of("before")).join().bodyAsString()).isEqualTo("answer before");

        mesh.backbone.close();
        mesh.backboneNode.close();

        PilotSocketAddress service = new PilotSocketAddress(papers.node().address(), 1001);
        for (int i = 0; i < 20; i++) {
            assertThat(coordinator.node().request(service, Message.of("during " + i)).join().bodyAsString())
                    .isEqualTo("answer during " + i);
        }
        await().atMost(15, TimeUnit.SECONDS).until(() -> coordinator.status() == DirectoryClient.Status.BACKBONE_UNREACHABLE);
        assertThat(coordinator.lookup("papers").join().address()).isEqualTo(papers.node().address());
        assertThat(coordinator.find("papers.search").join()).hasSize(1);
        assertThat(coordinator.request("papers", 1001, Message.of("cached")).join().bodyAsString()).isEqualTo("answer cached");

        mesh.startBackbone(backboneIdentity, backboneEndpoint, settings, DirectoryStore.none());
        await().atMost(30, TimeUnit.SECONDS).until(() -> mesh.backbone.registrations() == 2);
        await().atMost(10, TimeUnit.SECONDS).until(() -> coordinator.status() == DirectoryClient.Status.REGISTERED
                && papers.status() == DirectoryClient.Status.REGISTERED);
        assertThat(coordinator.find("papers.search").join()).hasSize(1);
    }
}
