package io.pilot.spring.autoconfigure;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.observation.PilotClientRequestContext;
import io.pilot.spring.runtime.PilotRuntime;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Calls between two running agents observed on both sides, each application with its own
 * {@link TestObservationRegistry}.
 */
class TwoAgentsObservationTests {

    @TempDir
    Path dir;

    @Test
    void callsAreObservedOnBothSides() throws Exception {
        TestObservationRegistry served = TestObservationRegistry.create();
        TestObservationRegistry calling = TestObservationRegistry.create();
        int backbonePort = PilotAutoConfigurationTests.freePort();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort);
        base.withPropertyValues("pilot.hostname=specialist-papers", "pilot.identity.path=" + dir.resolve("papers.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(Agents.PapersAgent.class).withBean(ObservationRegistry.class, () -> served)
                .run(papers -> {
                    assertThat(papers).hasNotFailed();
                    String backboneKey = papers.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    String papersAddress = papers.getBean(PilotRuntime.class).address().toString();
                    base.withPropertyValues("pilot.hostname=coordinator", "pilot.identity.path=" + dir.resolve("coord.key"),
                                    "pilot.backbone.key=" + backboneKey)
                            .withBean(ObservationRegistry.class, () -> calling)
                            .run(coordinator -> {
                                assertThat(coordinator).hasNotFailed();
                                String coordinatorAddress = coordinator.getBean(PilotRuntime.class).address().toString();
                                PilotClient client = coordinator.getBean(PilotClient.class);
                                exercise(client, calling, served, papersAddress, coordinatorAddress);
                            });
                });
    }

    private static void exercise(PilotClient client, TestObservationRegistry calling, TestObservationRegistry served,
            String papersAddress, String coordinatorAddress) {
        client.call("papers.resolve-citation", new Agents.CitationQuery("10.1145/3133956"), Agents.Citation.class);
        assertThat(calling).hasSingleObservationThat().hasNameEqualTo("pilot.client.requests")
                .hasLowCardinalityKeyValue("pilot.capability", "papers.resolve-citation")
                .hasLowCardinalityKeyValue("pilot.outcome", "SUCCESS")
                .hasLowCardinalityKeyValue("pilot.path", "direct")
                .hasHighCardinalityKeyValue("pilot.peer.hostname", "specialist-papers")
                .hasHighCardinalityKeyValue("pilot.peer.address", papersAddress)
                .doesNotHaveHighCardinalityKeyValueWithKey("pilot.target")
                .hasLowCardinalityKeyValue("rpc.system", "pilot")
                .hasLowCardinalityKeyValue("rpc.method", "papers.resolve-citation")
                .hasLowCardinalityKeyValue("error.type", "none")
                .hasHighCardinalityKeyValue("server.address", "specialist-papers")
                .doesNotHaveError().hasBeenStopped()
                .satisfies(context -> assertThat(((PilotClientRequestContext) context).getResponse()).isNotNull());
        assertThat(served).hasSingleObservationThat().hasNameEqualTo("pilot.server.requests")
                .hasLowCardinalityKeyValue("pilot.capability", "papers.resolve-citation")
                .hasLowCardinalityKeyValue("pilot.outcome", "SUCCESS")
                .hasLowCardinalityKeyValue("pilot.path", "direct")
                .hasHighCardinalityKeyValue("pilot.peer.address", coordinatorAddress)
                .hasLowCardinalityKeyValue("rpc.system", "pilot")
                .hasLowCardinalityKeyValue("rpc.method", "papers.resolve-citation")
                .hasLowCardinalityKeyValue("error.type", "none")
                .hasHighCardinalityKeyValue("client.address", coordinatorAddress)
                .hasBeenStopped();

        calling.clear();
        served.clear();
        client.call("specialist-papers", "papers.note", "first", Void.class);
        assertThat(calling).hasSingleObservationThat().hasLowCardinalityKeyValue("pilot.capability", "papers.note")
                .hasHighCardinalityKeyValue("pilot.target", "specialist-papers")
                .hasHighCardinalityKeyValue("pilot.peer.address", papersAddress)
                .hasLowCardinalityKeyValue("pilot.outcome", "SUCCESS").hasLowCardinalityKeyValue("pilot.path", "direct")
                .hasHighCardinalityKeyValue("server.address", "specialist-papers");

        calling.clear();
        served.clear();
        assertThatThrownBy(() -> client.call("papers.resolve-citation", new Agents.CitationQuery("bogus"), Agents.Citation.class))
                .isInstanceOf(PilotRemoteException.class);
        assertThat(calling).hasSingleObservationThat().hasLowCardinalityKeyValue("pilot.outcome", "INVALID_ARGUMENT")
                .hasLowCardinalityKeyValue("error.type", "INVALID_ARGUMENT")
                .hasBeenStopped().assertThatError().isInstanceOfSatisfying(PilotRemoteException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThat(served).hasSingleObservationThat().hasLowCardinalityKeyValue("pilot.outcome", "INVALID_ARGUMENT")
                .hasLowCardinalityKeyValue("error.type", "INVALID_ARGUMENT")
                .assertThatError().isInstanceOf(IllegalArgumentException.class).hasMessage("unknown DOI bogus");

        calling.clear();
        served.clear();
        assertThatThrownBy(() -> client.call("specialist-papers", "no.such.capability", "x", String.class))
                .isInstanceOf(PilotRemoteException.class);
        assertThat(calling).hasSingleObservationThat().hasLowCardinalityKeyValue("pilot.capability", "no.such.capability")
                .hasLowCardinalityKeyValue("pilot.outcome", "NO_LISTENER")
                .hasLowCardinalityKeyValue("error.type", "NO_LISTENER")
                .hasHighCardinalityKeyValue("server.address", "specialist-papers").hasError();
        assertThat(served).hasSingleObservationThat().hasLowCardinalityKeyValue("pilot.capability", "UNKNOWN")
                .hasLowCardinalityKeyValue("rpc.method", "UNKNOWN")
                .hasLowCardinalityKeyValue("pilot.outcome", "NO_LISTENER")
                .hasLowCardinalityKeyValue("error.type", "NO_LISTENER").hasError();

        calling.clear();
        served.clear();
        assertThatThrownBy(() -> client.call("nobody.offers.this", "x", String.class)).isInstanceOf(PilotRemoteException.class);
        assertThat(calling).hasSingleObservationThat().hasLowCardinalityKeyValue("pilot.path", "unknown").hasError()
                .doesNotHaveLowCardinalityKeyValue("pilot.outcome", "SUCCESS")
                .doesNotHaveLowCardinalityKeyValue("error.type", "none")
                .doesNotHaveHighCardinalityKeyValueWithKey("server.address");
        assertThat(served).doesNotHaveAnyObservation();

        calling.clear();
        client.find("papers.search");
        client.ping("specialist-papers");
        assertThat(calling).doesNotHaveAnyObservation();
    }
}
