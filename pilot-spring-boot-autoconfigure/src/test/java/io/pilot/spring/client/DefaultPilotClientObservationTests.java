package io.pilot.spring.client;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.pilot.spring.runtime.Runtimes;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

/** The client side's observation against a {@link TestObservationRegistry}, of calls that cannot even be sent. */
class DefaultPilotClientObservationTests {

    @Test
    void aCallThatCannotBeSentIsObservedAsFailedAndStillThrows() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        DefaultPilotClient client = new DefaultPilotClient(Runtimes.notStarted(), new JsonMapper(), observations, null);

        assertThatThrownBy(() -> client.callAsync("papers.search", "x", String.class)).isInstanceOf(IllegalStateException.class);
        assertThat(observations).hasSingleObservationThat().hasNameEqualTo("pilot.client.requests")
                .hasContextualNameEqualTo("call papers.search")
                .hasLowCardinalityKeyValue("pilot.capability", "papers.search")
                .hasLowCardinalityKeyValue("pilot.outcome", "REMOTE_FAILURE")
                .hasLowCardinalityKeyValue("pilot.path", "unknown")
                .doesNotHaveHighCardinalityKeyValueWithKey("pilot.target")
                .hasBeenStarted().hasBeenStopped().assertThatError().isInstanceOf(IllegalStateException.class);

        observations.clear();
        assertThatThrownBy(() -> client.callAsync("specialist-papers", "papers.search", "x", String.class))
                .isInstanceOf(IllegalStateException.class);
        assertThat(observations).hasSingleObservationThat().hasHighCardinalityKeyValue("pilot.target", "specialist-papers")
                .hasBeenStopped().hasError();
    }

    @Test
    void withoutObservationsNothingIsRecorded() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        observations.observationConfig().observationPredicate((name, context) -> false);
        DefaultPilotClient client = new DefaultPilotClient(Runtimes.notStarted(), new JsonMapper(), observations, null);
        assertThatThrownBy(() -> client.callAsync("papers.search", "x", String.class)).isInstanceOf(IllegalStateException.class);
        assertThat(observations).doesNotHaveAnyObservation();

        DefaultPilotClient noop = new DefaultPilotClient(Runtimes.notStarted(), new JsonMapper(), ObservationRegistry.NOOP, null);
        assertThatThrownBy(() -> noop.callAsync("papers.search", "x", String.class)).isInstanceOf(IllegalStateException.class);
    }
}
