package io.pilot.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.directory.NodeRecord;
import io.pilot.spring.PilotClient;
import io.pilot.spring.autoconfigure.PilotBackboneConnectionDetails;
import io.pilot.spring.runtime.PilotRuntime;
import io.pilot.spring.test.Applications.Citation;
import io.pilot.spring.test.Applications.CitationQuery;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;

/** The application under test and an agent started beside it find each other through the shared backbone. */
@SpringBootTest(classes = Applications.PapersApplication.class, properties = "pilot.hostname=specialist-papers")
@EmbeddedPilotBackbone
class EmbeddedPilotBackboneTests {

    @Autowired
    PilotClient client;

    @Autowired
    PilotRuntime runtime;

    @Test
    void theApplicationAndAnAgentStartedBesideItCallEachOther() {
        try (PilotTestAgents agents = new PilotTestAgents()) {
            ConfigurableApplicationContext coordinator = agents.start("coordinator", Applications.CoordinatorApplication.class);
            PilotClient coordinatorClient = coordinator.getBean(PilotClient.class);

            assertThat(coordinatorClient.call("papers.resolve-citation", new CitationQuery("10.1145/3133956"), Citation.class))
                    .isEqualTo(new Citation("10.1145/3133956", 2017));
            assertThat(client.call("coordinator.plan", "a survey", String.class)).isEqualTo("plan for a survey");
            assertThat(client.find("coordinator.plan")).extracting(NodeRecord::hostname).containsExactly("coordinator");
            assertThat(coordinator.getBean(PilotRuntime.class).address()).isNotEqualTo(runtime.address());
        }
    }

    @Autowired
    EmbeddedBackboneHandle backbone;

    @Autowired
    PilotBackboneConnectionDetails connection;

    @Test
    void theSharedBackboneWinsOverTheApplicationsOwnOnLoopback() {
        assertThat(connection).isInstanceOf(EmbeddedBackboneConnectionDetails.class);
        assertThat(connection.getAddress()).isEqualTo("127.0.0.1:" + backbone.port());
        assertThat(runtime.directory().backboneKey()).contains(backbone.key());
        assertThat(runtime.embeddedBackbone()).isEmpty();
        InetSocketAddress local = runtime.node().localEndpoint();
        assertThat(local.getAddress().isLoopbackAddress()).isTrue();
        assertThat(local.getPort()).isNotEqualTo(7401);
    }
}
